"""Corrections of a declaration, one field at a time, each a new version with its diff."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from border_gate import validators as v
from border_gate.models import (
    Container,
    Entry,
    EntryStep,
    EntryVersion,
    GoodsType,
    StepDefinition,
)
from border_gate.services.common import TransitionError, label_of
from border_gate.services.declarations import (
    apply_goods_flags,
    entry_snapshot,
    snapshot_diff,
    vehicle_for,
)
from border_gate.services.fees import fee_links_supersede, refresh_fee
from border_gate.services.transitions import set_current_step, step_applies
from core.audit.services import audit_record
from core.errors import InvalidInputError

# Fields a declarant may correct one at a time, with how to parse the new value. Labels are lazy:
# this dict is built at import time and must follow the language of each request.
CORRECTABLE_FIELDS = {
    "vehicle_plate": gettext_lazy("Biển số xe"),
    "trailer_plate": gettext_lazy("Biển số rơ moóc"),
    "containers": gettext_lazy("Container"),
    "driver_name": gettext_lazy("Họ tên lái xe"),
    "driver_id_number": gettext_lazy("Số giấy tờ lái xe"),
    "driver_phone": gettext_lazy("Điện thoại lái xe"),
    "driver_licence": gettext_lazy("Giấy phép lái xe"),
    "health_note": gettext_lazy("Thông tin sức khỏe"),
    "expected_arrival": gettext_lazy("Dự kiến đến cửa khẩu"),
    "customs_declaration_number": gettext_lazy("Số tờ khai hải quan"),
    "goods.hs_code": gettext_lazy("Mã HS"),
    "goods.description": gettext_lazy("Mô tả hàng hóa"),
    "goods.weight_kg": gettext_lazy("Khối lượng (kg)"),
    "goods.value_vnd": gettext_lazy("Trị giá (VND)"),
    "goods.goods_type": gettext_lazy("Nhóm hàng"),
    "goods.perishable": gettext_lazy("Dễ hư hỏng"),
}


def _parse_correction(entry: Entry, field_name: str, raw: str, line_no: int | None):
    """Validate one corrected value; returns a callable that applies it (inside the transaction)."""
    raw = (raw or "").strip()
    if field_name in ("vehicle_plate", "trailer_plate"):
        target = entry.vehicle if field_name == "vehicle_plate" else entry.trailer
        country = target.country if target is not None else "VN"
        if field_name == "trailer_plate" and not raw:
            return lambda: setattr(entry, "trailer", None)
        plate = v.parse_plate(raw, country)
        attr = "vehicle" if field_name == "vehicle_plate" else "trailer"
        return lambda: setattr(entry, attr, vehicle_for(plate))
    if field_name == "containers":
        parsed = v.parse_containers(raw)

        def apply():
            entry.containers.set(
                [Container.objects.get_or_create(number=n, defaults={"size_ft": s})[0] for n, s in parsed]
            )

        return apply
    if field_name == "driver_name":
        if not raw:
            raise ValidationError(_("Nhập họ tên lái xe."))
        return lambda: setattr(entry, "driver_name", raw)
    if field_name == "driver_id_number":
        value = v.validate_driver_id(entry.driver.id_kind, raw)
        return lambda: setattr(entry, "driver_id_number", value)
    if field_name == "driver_phone":
        value = v.validate_driver_phone(raw)
        return lambda: setattr(entry, "driver_phone", value)
    if field_name == "driver_licence":
        return lambda: setattr(entry, "driver_licence", raw[:20])
    if field_name == "health_note":
        return lambda: setattr(entry, "health_note", raw[:300])
    if field_name == "expected_arrival":
        try:
            naive = datetime.datetime.strptime(raw, "%Y-%m-%d %H:%M")
        except ValueError:
            raise ValidationError(_("Nhập thời gian theo dạng YYYY-MM-DD HH:MM.")) from None
        value = timezone.make_aware(naive)
        if entry.status != Entry.Status.DECLARED:
            raise ValidationError(_("Xe đã đến cửa khẩu: không sửa thời gian dự kiến đến được nữa."))
        return lambda: setattr(entry, "expected_arrival", value)
    if field_name == "customs_declaration_number":
        value = v.validate_customs_declaration_number(raw)
        return lambda: setattr(entry, "customs_declaration_number", value)
    if field_name.startswith("goods."):
        attr = field_name.split(".", 1)[1]
        line = entry.goods.filter(line_no=line_no or 0).first()
        if line is None:
            raise ValidationError(_("Chọn dòng hàng cần sửa."))
        if attr == "hs_code":
            value = v.validate_hs_code(raw)
        elif attr in ("weight_kg", "value_vnd"):
            try:
                value = int(raw.replace(".", "").replace(",", "").replace(" ", ""))
            except ValueError:
                raise ValidationError(_("Nhập một số nguyên.")) from None
            if value < 0 or (attr == "weight_kg" and not 0 < value <= 100_000):
                raise ValidationError(_("Khối lượng từ 1 đến 100.000 kg.") if attr == "weight_kg" else _("Số âm."))
        elif attr == "goods_type":
            if raw not in GoodsType.values:
                raise ValidationError(_("Nhóm hàng không hợp lệ: %(v)s.") % {"v": ", ".join(GoodsType.values)})
            value = raw
        elif attr == "perishable":
            if raw.lower() not in ("có", "co", "yes", "true", "1", "không", "khong", "no", "false", "0"):
                raise ValidationError(_("Trả lời “có” hoặc “không”."))
            value = raw.lower() in ("có", "co", "yes", "true", "1")
        elif attr == "description":
            if not raw:
                raise ValidationError(_("Nhập mô tả hàng hóa."))
            value = raw[:300]
        else:
            raise ValidationError(_("Trường này không sửa được."))

        def apply():
            setattr(line, attr, value)
            line.save(update_fields=[attr])

        return apply
    raise ValidationError(_("Trường này không sửa được."))


def entry_correct(*, actor, entry: Entry, field_name: str, value: str, reason: str, line_no: int | None = None):
    """Correct one field of a declaration without redoing the rest: a new version with who/when/why
    and the diff. Conditional steps and the unpaid fee follow the corrected goods.
    Raises InvalidInputError({"value"|"reason": ...}) or TransitionError when the entry is closed."""
    if not (reason or "").strip():
        raise InvalidInputError(errors={"reason": _("Nêu lý do sửa.")})
    with transaction.atomic():
        entry = (
            Entry.objects.select_for_update(of=("self",))
            .select_related("vehicle", "trailer", "driver")
            .get(pk=entry.pk)
        )
        if not entry.is_open:
            raise TransitionError(_("Lượt xe đã kết thúc: không sửa được nữa."))
        try:
            apply = _parse_correction(entry, field_name, value, line_no)
        except ValidationError as e:
            raise InvalidInputError(errors={"value": e.messages}) from None
        before = entry_snapshot(entry)
        apply()
        goods = list(entry.goods.all())
        apply_goods_flags(entry, goods)
        # Conditional steps follow the corrected goods; a step already decided stays as decided.
        fee_collected = False
        for es in entry.steps.select_for_update(of=("self",)).select_related("step"):
            if es.status in (EntryStep.Status.PASSED, EntryStep.Status.REJECTED):
                fee_collected |= es.step.data_kind == StepDefinition.DataKind.RECEIPT
                continue
            applies = step_applies(es.step, entry)
            if applies and es.status == EntryStep.Status.SKIPPED:
                es.status = EntryStep.Status.PENDING
                es.save(update_fields=["status"])
            elif not applies and es.status == EntryStep.Status.PENDING:
                es.status = EntryStep.Status.SKIPPED
                es.save(update_fields=["status"])
        set_current_step(entry)
        # The fee follows the corrected goods until its step has passed — even after an online
        # payment: if it rises above what was paid, the fee step collects the difference.
        fee_before = entry.fee_amount
        if not fee_collected:
            refresh_fee(entry)
        if entry.fee_amount != fee_before:
            # A link priced before the correction may never settle the new fee.
            fee_links_supersede(entry, actor=actor, reason="fee re-priced by a correction")
        after = entry_snapshot(entry)
        changes = snapshot_diff(before, after)
        if not changes:
            latest = entry.versions.order_by("-number").first()
            if (
                latest is not None
                and latest.number > 1
                and latest.author_id == getattr(actor, "pk", None)
                and any(k == field_name or k.endswith("." + field_name.split(".")[-1]) for k in latest.changes)
            ):
                return latest  # the same correction submitted twice
            raise InvalidInputError(errors={"value": _("Giá trị mới giống giá trị đang khai.")})
        entry.version += 1
        entry.save()
        version = EntryVersion.objects.create(
            entry=entry,
            number=entry.version,
            snapshot=after,
            changes=changes,
            reason=reason.strip()[:300],
            author=actor if getattr(actor, "is_authenticated", False) else None,
            author_label=label_of(actor),
        )
        audit_record(
            actor=actor,
            action="border_gate.entry.correct",
            obj=entry,
            before={k: c[0] for k, c in changes.items()},
            after={**{k: c[1] for k, c in changes.items()}, "version": entry.version, "reason": version.reason},
        )
    return version
