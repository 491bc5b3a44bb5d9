"""Writes of the border-gate pillar: keyword-only functions, one transaction each, audited
(`border_gate.<entity>.<verb>`), with row locks where two people or systems can touch one row.

Lock order, everywhere: Entry row first, then its EntryStep rows. Taking work (`step_take_next`,
`step_take`) locks only EntryStep rows (SKIP LOCKED), so it can never deadlock with a decision.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from border_gate import locking
from border_gate import validators as v
from border_gate.models import (
    FARM_GOODS,
    ApiKey,
    Container,
    Crossing,
    DailyReport,
    Direction,
    Driver,
    Enterprise,
    EnterpriseMember,
    Entry,
    EntryStep,
    EntryVersion,
    FeeMultiplier,
    FeeRate,
    FeeTariff,
    FeeVehicleClass,
    GoodsLine,
    GoodsType,
    Journey,
    Regime,
    StepDefinition,
    Vehicle,
    Yard,
    YardEvent,
)
from core import sql
from core.audit.services import audit_record
from core.users import roles

FEE_PURPOSE = "border_gate.infrastructure_fee"
# A taken step nobody decided goes back to the queue after this long (officer walked away).
TAKE_TIMEOUT = datetime.timedelta(minutes=30)
# A declaration whose truck has not checked in this long after its expected arrival expires.
EXPIRY_GRACE = datetime.timedelta(hours=48)
MAX_GOODS_LINES = 10
MAX_CONTAINERS = 4


class BorderGateError(Exception):
    """A refused action, with a message for the user (Vietnamese, translated)."""


class TransitionError(BorderGateError):
    pass


# --------------------------------------------------------------------------------------------------
# enterprises


def enterprise_register(*, actor, tax_code: str, name: str, address: str = "", phone: str = "") -> Enterprise:
    """Register an enterprise and make `actor` its first (manager) staff account.
    Raises ValidationError (field-level) on a bad or already registered tax code."""
    tax_code = v.validate_tax_code(tax_code)
    with transaction.atomic():
        if Enterprise.objects.filter(tax_code=tax_code).exists():
            raise ValidationError({"tax_code": _("Mã số thuế này đã được đăng ký trên nền tảng.")})
        enterprise = Enterprise.objects.create(tax_code=tax_code, name=name.strip(), address=address, phone=phone)
        EnterpriseMember.objects.create(enterprise=enterprise, user=actor, is_manager=True)
        audit_record(
            actor=actor,
            action="border_gate.enterprise.register",
            obj=enterprise,
            after={"tax_code": tax_code, "name": enterprise.name},
        )
    return enterprise


def enterprise_add_staff(*, actor, enterprise: Enterprise, email: str) -> EnterpriseMember:
    """A manager adds an existing portal account as staff; it receives the enterprise role."""
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        if not EnterpriseMember.objects.filter(enterprise=enterprise, user=actor, is_manager=True).exists():
            raise BorderGateError(_("Chỉ người quản lý tài khoản doanh nghiệp mới thêm được nhân viên."))
        user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise ValidationError({"email": _("Không có tài khoản nào với địa chỉ email này.")})
        member, created = EnterpriseMember.objects.get_or_create(enterprise=enterprise, user=user)
        if created:
            user.groups.add(Group.objects.get(name=roles.ENTERPRISE))
            audit_record(
                actor=actor,
                action="border_gate.enterprise.add_staff",
                obj=enterprise,
                after={"user": user.email},
            )
    return member


# --------------------------------------------------------------------------------------------------
# declaration


@dataclass
class GoodsData:
    hs_code: str
    description: str
    goods_type: str
    weight_kg: int
    value_vnd: int
    perishable: bool = False


@dataclass
class DeclarationData:
    crossing: Crossing
    direction: str
    regime: str
    vehicle_plate: str
    driver_name: str
    driver_id_kind: str
    driver_id_number: str
    driver_phone: str
    expected_arrival: datetime.datetime
    goods: list[GoodsData]
    journey: str = Journey.NORMAL
    vehicle_country: str = "VN"
    trailer_plate: str = ""
    trailer_country: str = "VN"
    containers: list[tuple[str, int]] = field(default_factory=list)
    driver_licence: str = ""
    health_symptoms: bool = False
    health_note: str = ""
    customs_declaration_number: str = ""


def _validate_declaration(data: DeclarationData) -> dict:
    """Normalise every field; collect field-level errors (keys match the declaration form)."""
    errors: dict[str, list] = {}
    out: dict = {}

    def check(key, func, *args):
        try:
            return func(*args)
        except ValidationError as e:
            errors.setdefault(key, []).extend(e.messages)
            return None

    out["vehicle"] = check("vehicle_plate", v.parse_plate, data.vehicle_plate, data.vehicle_country)
    out["trailer"] = (
        check("trailer_plate", v.parse_plate, data.trailer_plate, data.trailer_country) if data.trailer_plate else None
    )
    out["containers"] = []
    if len(data.containers) > MAX_CONTAINERS:
        errors.setdefault("containers", []).append(_("Tối đa %(n)d container mỗi xe.") % {"n": MAX_CONTAINERS})
    for number, size in data.containers:
        c = check("containers", v.validate_container_number, number)
        if c and int(size) not in (20, 40, 45):
            errors.setdefault("containers", []).append(_("Cỡ container phải là 20, 40 hoặc 45 feet."))
        elif c:
            out["containers"].append((c, int(size)))
    if len({c for c, _s in out["containers"]}) != len(out["containers"]):
        errors.setdefault("containers", []).append(_("Một container được khai hai lần."))
    out["driver_id_number"] = check(
        "driver_id_number", v.validate_driver_id, data.driver_id_kind, data.driver_id_number
    )
    out["driver_phone"] = check("driver_phone", v.validate_driver_phone, data.driver_phone)
    out["customs_declaration_number"] = check(
        "customs_declaration_number", v.validate_customs_declaration_number, data.customs_declaration_number
    )
    if not data.driver_name.strip():
        errors.setdefault("driver_name", []).append(_("Nhập họ tên lái xe."))
    if data.direction not in Direction.values:
        errors.setdefault("direction", []).append(_("Chọn chiều xuất hoặc nhập."))
    if data.regime not in Regime.values:
        errors.setdefault("regime", []).append(_("Chọn loại hình."))
    if data.journey not in Journey.values:
        errors.setdefault("journey", []).append(_("Chọn hành trình."))
    if data.journey == Journey.INLAND_IMPORT and data.direction != Direction.IMPORT:
        errors.setdefault("journey", []).append(_("Chỉ hàng nhập khẩu mới vận chuyển vào nội địa."))
    if data.expected_arrival is None:
        errors.setdefault("expected_arrival", []).append(_("Nhập thời gian dự kiến đến."))
    elif data.expected_arrival < timezone.now() - datetime.timedelta(hours=1):
        errors.setdefault("expected_arrival", []).append(_("Thời gian dự kiến đến không được ở quá khứ."))
    if not data.goods:
        errors.setdefault("goods", []).append(_("Khai ít nhất một dòng hàng."))
    if len(data.goods) > MAX_GOODS_LINES:
        errors.setdefault("goods", []).append(_("Tối đa %(n)d dòng hàng.") % {"n": MAX_GOODS_LINES})
    goods = []
    for i, g in enumerate(data.goods, start=1):
        hs = check(f"goods-{i}-hs_code", v.validate_hs_code, g.hs_code)
        if not (g.description or "").strip():
            errors.setdefault(f"goods-{i}-description", []).append(_("Nhập mô tả hàng hóa."))
        if g.goods_type not in GoodsType.values:
            errors.setdefault(f"goods-{i}-goods_type", []).append(_("Chọn nhóm hàng."))
        if not isinstance(g.weight_kg, int) or not 0 < g.weight_kg <= 100_000:
            errors.setdefault(f"goods-{i}-weight_kg", []).append(_("Khối lượng từ 1 đến 100.000 kg."))
        if not isinstance(g.value_vnd, int) or g.value_vnd < 0:
            errors.setdefault(f"goods-{i}-value_vnd", []).append(_("Trị giá là số nguyên VND không âm."))
        goods.append(
            GoodsData(hs or g.hs_code, g.description.strip(), g.goods_type, g.weight_kg, g.value_vnd, g.perishable)
        )
    out["goods"] = goods
    if errors:
        raise ValidationError(errors)
    return out


_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U to misread at the gate


def _crossing_prefix(crossing: Crossing) -> str:
    return "".join(part[0] for part in crossing.code.split("-")).upper()[:3]


def _new_entry_code(crossing: Crossing) -> str:
    return f"{_crossing_prefix(crossing)}-{''.join(secrets.choice(_CODE_ALPHABET) for _ in range(7))}"


def _vehicle_for(plate: v.Plate) -> Vehicle:
    vehicle, _ = Vehicle.objects.get_or_create(
        country=plate.country,
        plate=plate.compact,
        defaults={"plate_kind": plate.kind, "plate_display": plate.display},
    )
    return vehicle


def _apply_goods_flags(entry: Entry, goods: list) -> None:
    entry.perishable = any(g.perishable for g in goods)
    entry.is_fruit = any(g.goods_type == GoodsType.FRESH_FRUIT for g in goods)
    entry.needs_plant_quarantine = any(v.hs_needs_plant_quarantine(g.hs_code) for g in goods)
    entry.needs_animal_quarantine = any(v.hs_needs_animal_quarantine(g.hs_code) for g in goods)
    entry.total_weight_kg = sum(g.weight_kg for g in goods)


def _step_applies(step: StepDefinition, entry: Entry) -> bool:
    if step.condition == StepDefinition.Condition.PLANT:
        return entry.needs_plant_quarantine
    if step.condition == StepDefinition.Condition.ANIMAL:
        return entry.needs_animal_quarantine
    return True


def _set_current(entry: Entry) -> EntryStep | None:
    """Point the entry at its first undecided step (the only one anybody may act on)."""
    steps = list(entry.steps.select_for_update().order_by("position"))
    current = next((s for s in steps if s.status in (EntryStep.Status.PENDING, "taken", "held")), None)
    EntryStep.objects.filter(entry=entry, is_current=True).exclude(pk=getattr(current, "pk", None)).update(
        is_current=False
    )
    if current is not None and not current.is_current:
        EntryStep.objects.filter(pk=current.pk).update(is_current=True)
        current.is_current = True
    entry.current_step = current
    return current


def entry_declare(
    *, actor, data: DeclarationData, enterprise: Enterprise | None = None, submission_key: str = ""
) -> Entry:
    """Declare a truck before arrival. Creates the entry, its goods, version 1, its materialised
    pipeline (conditional steps skipped or pending by the goods) and the fee estimate.
    The same `submission_key` from the same user returns the first entry (double submit).
    Raises ValidationError (field-level) or BorderGateError."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if submission_key and user is not None:
        existing = Entry.objects.filter(declared_by=user, submission_key=submission_key).first()
        if existing is not None:
            return existing
    clean = _validate_declaration(data)
    crossing = data.crossing
    if not crossing.is_active:
        raise ValidationError({"crossing": _("Cửa khẩu này đang tạm dừng tiếp nhận.")})
    steps = list(StepDefinition.objects.filter(crossing=crossing, direction=data.direction, is_active=True))
    if not steps:
        raise ValidationError({"direction": _("Cửa khẩu chưa cấu hình quy trình cho chiều này.")})
    if enterprise is not None and not (
        actor is None or EnterpriseMember.objects.filter(enterprise=enterprise, user=actor).exists()
    ):
        raise BorderGateError(_("Bạn không phải nhân viên của doanh nghiệp này."))
    with transaction.atomic():
        driver, _c = Driver.objects.update_or_create(
            id_kind=data.driver_id_kind,
            id_number=clean["driver_id_number"],
            defaults={
                "full_name": data.driver_name.strip(),
                "phone": clean["driver_phone"],
                "licence_number": data.driver_licence.strip(),
            },
        )
        entry = Entry(
            token=secrets.token_urlsafe(24),
            submission_key=submission_key[:64] if user is not None else "",
            crossing=crossing,
            direction=data.direction,
            regime=data.regime,
            journey=data.journey,
            enterprise=enterprise,
            declared_by=actor if getattr(actor, "is_authenticated", False) else None,
            vehicle=_vehicle_for(clean["vehicle"]),
            trailer=_vehicle_for(clean["trailer"]) if clean["trailer"] else None,
            driver=driver,
            driver_name=data.driver_name.strip(),
            driver_id_number=clean["driver_id_number"],
            driver_phone=clean["driver_phone"],
            driver_licence=data.driver_licence.strip(),
            health_symptoms=data.health_symptoms,
            health_note=data.health_note.strip(),
            expected_arrival=data.expected_arrival,
            customs_declaration_number=clean["customs_declaration_number"],
        )
        _apply_goods_flags(entry, clean["goods"])
        for _attempt in range(5):
            entry.code = _new_entry_code(crossing)
            try:
                with transaction.atomic():
                    entry.save()
                break
            except IntegrityError:
                entry.pk = None
                if submission_key and user is not None:
                    existing = Entry.objects.filter(declared_by=user, submission_key=submission_key).first()
                    if existing is not None:  # the twin request won the race
                        return existing
        else:  # pragma: no cover - 32^7 codes per crossing
            raise BorderGateError(_("Không tạo được mã khai báo, vui lòng thử lại."))
        GoodsLine.objects.bulk_create(
            GoodsLine(entry=entry, line_no=i, **g.__dict__) for i, g in enumerate(clean["goods"], start=1)
        )
        containers = []
        for number, size in clean["containers"]:
            c, _c = Container.objects.get_or_create(number=number, defaults={"size_ft": size})
            containers.append(c)
        entry.containers.set(containers)
        EntryStep.objects.bulk_create(
            EntryStep(
                entry=entry,
                step=s,
                position=s.position,
                status=EntryStep.Status.PENDING if _step_applies(s, entry) else EntryStep.Status.SKIPPED,
            )
            for s in steps
        )
        _set_current(entry)
        _refresh_fee(entry)
        entry.save()
        snapshot = entry_snapshot(entry)
        EntryVersion.objects.create(
            entry=entry,
            number=1,
            snapshot=snapshot,
            author=entry.declared_by,
            author_label=_actor_label(actor),
            reason=_("Khai báo ban đầu"),
        )
        audit_record(actor=actor, action="border_gate.entry.declare", obj=entry, after=snapshot)
    return entry


def entry_snapshot(entry: Entry) -> dict:
    """The declaration as flat fields, the unit of versions and diffs."""
    snap = {
        "crossing": entry.crossing.code,
        "direction": entry.direction,
        "regime": entry.regime,
        "journey": entry.journey,
        "vehicle_plate": entry.vehicle.plate_display,
        "trailer_plate": entry.trailer.plate_display if entry.trailer_id else "",
        "containers": ", ".join(f"{c.number} ({c.size_ft}')" for c in entry.containers.order_by("number")),
        "driver_name": entry.driver_name,
        "driver_id_number": entry.driver_id_number,
        "driver_phone": entry.driver_phone,
        "driver_licence": entry.driver_licence,
        "health_symptoms": entry.health_symptoms,
        "health_note": entry.health_note,
        "expected_arrival": timezone.localtime(entry.expected_arrival).strftime("%Y-%m-%d %H:%M"),
        "customs_declaration_number": entry.customs_declaration_number,
    }
    for g in entry.goods.order_by("line_no"):
        for attr in ("hs_code", "description", "goods_type", "weight_kg", "value_vnd", "perishable"):
            snap[f"goods.{g.line_no}.{attr}"] = getattr(g, attr)
    return snap


def snapshot_diff(old: dict, new: dict) -> dict:
    return {k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)}


# Fields a declarant may correct one at a time, with how to parse the new value. Labels are lazy:
# this dict is built at import time and must follow the language of each request.
CORRECTABLE_FIELDS = {
    "vehicle_plate": gettext_lazy("Biển số xe"),
    "trailer_plate": gettext_lazy("Biển số rơ moóc"),
    "containers": gettext_lazy("Container (số:cỡ, cách nhau dấu phẩy)"),
    "driver_name": gettext_lazy("Họ tên lái xe"),
    "driver_id_number": gettext_lazy("Số giấy tờ lái xe"),
    "driver_phone": gettext_lazy("Điện thoại lái xe"),
    "driver_licence": gettext_lazy("Giấy phép lái xe"),
    "health_note": gettext_lazy("Thông tin sức khỏe"),
    "expected_arrival": gettext_lazy("Dự kiến đến (YYYY-MM-DD HH:MM)"),
    "customs_declaration_number": gettext_lazy("Số tờ khai hải quan"),
    "goods.hs_code": gettext_lazy("Mã HS của dòng hàng"),
    "goods.description": gettext_lazy("Mô tả của dòng hàng"),
    "goods.weight_kg": gettext_lazy("Khối lượng (kg) của dòng hàng"),
    "goods.value_vnd": gettext_lazy("Trị giá (VND) của dòng hàng"),
    "goods.goods_type": gettext_lazy("Nhóm hàng của dòng hàng"),
    "goods.perishable": gettext_lazy("Dễ hư hỏng (có/không) của dòng hàng"),
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
        return lambda: setattr(entry, attr, _vehicle_for(plate))
    if field_name == "containers":
        parsed = []
        for item in filter(None, (p.strip() for p in raw.split(","))):
            number, _sep, size = item.partition(":")
            number = v.validate_container_number(number)
            if size.strip() not in ("20", "40", "45"):
                raise ValidationError(_("Ghi cỡ container sau dấu hai chấm: 20, 40 hoặc 45 (ví dụ CSQU3054383:40)."))
            parsed.append((number, int(size)))
        if len(parsed) > MAX_CONTAINERS:
            raise ValidationError(_("Tối đa %(n)d container mỗi xe.") % {"n": MAX_CONTAINERS})

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
    Raises ValidationError({"value"|"reason": ...}) or TransitionError when the entry is closed."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Nêu lý do sửa.")})
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
            raise ValidationError({"value": e.messages}) from None
        before = entry_snapshot(entry)
        apply()
        goods = list(entry.goods.all())
        _apply_goods_flags(entry, goods)
        # Conditional steps follow the corrected goods; a step already decided stays as decided.
        for es in entry.steps.select_for_update(of=("self",)).select_related("step"):
            if es.status in (EntryStep.Status.PASSED, EntryStep.Status.REJECTED):
                continue
            applies = _step_applies(es.step, entry)
            if applies and es.status == EntryStep.Status.SKIPPED:
                es.status = EntryStep.Status.PENDING
                es.save(update_fields=["status"])
            elif not applies and es.status == EntryStep.Status.PENDING:
                es.status = EntryStep.Status.SKIPPED
                es.save(update_fields=["status"])
        _set_current(entry)
        if entry.fee_paid_at is None:
            _refresh_fee(entry)
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
            raise ValidationError({"value": _("Giá trị mới giống giá trị đang khai.")})
        entry.version += 1
        entry.save()
        version = EntryVersion.objects.create(
            entry=entry,
            number=entry.version,
            snapshot=after,
            changes=changes,
            reason=reason.strip()[:300],
            author=actor if getattr(actor, "is_authenticated", False) else None,
            author_label=_actor_label(actor),
        )
        audit_record(
            actor=actor,
            action="border_gate.entry.correct",
            obj=entry,
            before={k: c[0] for k, c in changes.items()},
            after={**{k: c[1] for k, c in changes.items()}, "version": entry.version, "reason": version.reason},
        )
    return version


def entry_cancel(*, actor, entry: Entry, reason: str) -> Entry:
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != Entry.Status.DECLARED:
            raise TransitionError(_("Chỉ hủy được khai báo khi xe chưa đến cửa khẩu."))
        _close(entry, Entry.Status.CANCELLED)
        audit_record(
            actor=actor,
            action="border_gate.entry.cancel",
            obj=entry,
            before={"status": "declared"},
            after={"status": entry.status, "reason": reason},
        )
    return entry


def entry_expire(*, entry_id: int, now: datetime.datetime | None = None) -> bool:
    """Expire a declaration whose truck never arrived (idempotent: False when nothing to do)."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None or entry.status != Entry.Status.DECLARED or entry.expected_arrival + EXPIRY_GRACE > now:
            return False
        _close(entry, Entry.Status.EXPIRED, now=now)
        audit_record(
            actor=None,
            action="border_gate.entry.expire",
            obj=entry,
            before={"status": "declared"},
            after={"status": "expired"},
            actor_label="celery:border_gate.expire",
        )
    return True


def _close(
    entry: Entry, status: str, now: datetime.datetime | None = None, *, clear_current: bool = True, save: bool = True
) -> None:
    """Close the entry (final status). `clear_current=False` when the caller has already cleared
    the step it decided (the decisions do, to save a statement); `save=False` when the caller
    saves the entry itself."""
    now = now or timezone.now()
    entry.status = status
    entry.closed_at = now
    if clear_current:
        EntryStep.objects.filter(entry=entry, is_current=True).update(is_current=False)
    entry.current_step = None
    if entry.current_yard_id:
        sql.insert(YardEvent(yard_id=entry.current_yard_id, entry=entry, kind="out", at=now, source="system"))
        entry.current_yard = None
    if save:
        entry.save()


def _actor_label(actor, label: str = "") -> str:
    if label:
        return label
    if getattr(actor, "is_authenticated", False):
        return actor.email
    return "system"


# --------------------------------------------------------------------------------------------------
# officers and the pipeline


@dataclass(frozen=True)
class OfficerScope:
    """Where an officer works. None means every crossing / every force (system administrators)."""

    crossing: Crossing | None
    force: str | None

    def steps(self):
        qs = StepDefinition.objects.filter(is_active=True).select_related("crossing")
        if self.crossing is not None:
            qs = qs.filter(crossing=self.crossing)
        if self.force is not None:
            qs = qs.filter(force=self.force)
        return qs

    def allows(self, step: StepDefinition) -> bool:
        return (self.crossing is None or step.crossing_id == self.crossing.pk) and (
            self.force is None or step.force == self.force
        )


def officer_scope(user) -> OfficerScope | None:
    """The officer's crossing and force, or None. Memoised on the user object (one request's user,
    or a test's), keyed by what it depends on: one request used to look the crossing up three
    times (view scope, `_require_scope` in the service, the decision), now once."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return OfficerScope(None, None)
    key = (user.pk, user.agency_id, frozenset(user.role_names))
    memo = getattr(user, "_border_gate_scope", None)
    if memo is not None and memo[0] == key:
        return memo[1]
    scope = _officer_scope(user)
    user._border_gate_scope = (key, scope)
    return scope


# Agency → (crossing, force), per process. Every officer request needs it and it changes only
# with reference data (agencies and crossings are loaded from versioned files): a query per request
# for it was ~8 % of a decision's CPU. Saving an Agency or a Crossing clears this process's copy
# (signals, apps.py); other processes see a change within SCOPE_CACHE_SECONDS. The user's own
# agency and roles are still read on every request, so moving an officer to another agency or
# removing their role takes effect at once.
SCOPE_CACHE_SECONDS = 60.0
_scope_cache: dict[int, tuple[float, OfficerScope | None]] = {}


def clear_reference_copies(**_kwargs) -> None:
    """Forget the per-process copies of reference data: officers' scopes and step definitions."""
    _scope_cache.clear()
    locking.clear_definitions()


def _officer_scope(user) -> OfficerScope | None:
    """A border-force agency's crossing and force (one query, then cached per agency)."""
    if not user.has_role(roles.BORDER_OFFICER) or user.agency_id is None:
        return None
    now = time.monotonic()
    hit = _scope_cache.get(user.agency_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    scope = _agency_scope(user.agency_id)
    _scope_cache[user.agency_id] = (now + SCOPE_CACHE_SECONDS, scope)
    return scope


def _agency_scope(agency_id: int) -> OfficerScope | None:
    from core.agencies.models import Agency

    agency = Agency.objects.filter(pk=agency_id, kind="border_force")
    crossing = (
        Crossing.objects.filter(code=Subquery(agency.values("crossing_code")[:1]))
        .annotate(officer_force=Subquery(agency.values("force")[:1]))
        .first()
    )
    if crossing is None:
        return None
    return OfficerScope(crossing, crossing.officer_force)


def _require_scope(officer, step: StepDefinition) -> OfficerScope:
    scope = officer_scope(officer)
    if scope is None or not scope.allows(step):
        raise TransitionError(_("Bước này không thuộc lực lượng hoặc cửa khẩu của bạn."))
    return scope


def _takeable(qs):
    return qs.filter(
        status=EntryStep.Status.PENDING,
        is_current=True,
        entry__status__in=[Entry.Status.DECLARED, Entry.Status.IN_PROGRESS, Entry.Status.HELD],
    ).filter(Q(step__requires_call=False) | Q(entry__called_at__isnull=False))


def step_take_next(*, officer, step: StepDefinition | None = None) -> EntryStep | None:
    """Give the officer the next entry waiting at their step(s): perishables first, then by arrival.
    SELECT … FOR UPDATE SKIP LOCKED: two officers never receive the same entry. Returns None when
    the queue is empty. An officer holding a taken step gets that one back first."""
    scope = officer_scope(officer)
    if scope is None:
        raise TransitionError(_("Bạn không thuộc lực lượng nào tại cửa khẩu."))
    steps = scope.steps()
    if step is not None:
        _require_scope(officer, step)
        steps = steps.filter(pk=step.pk)
    step_ids = list(steps.values_list("pk", flat=True))
    with transaction.atomic():
        mine = EntryStep.objects.filter(step_id__in=step_ids, status="taken", taken_by=officer).order_by("taken_at")
        existing = mine.first()
        if existing is not None:
            return existing
        candidate = (
            _takeable(EntryStep.objects.filter(step_id__in=step_ids))
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("-entry__perishable", "entry__arrived_at", "entry__expected_arrival", "pk")
            .first()
        )
        if candidate is None:
            return None
        _mark_taken(candidate, officer)
    return candidate


def step_take(*, officer, entry_step: EntryStep) -> EntryStep:
    """Take one given entry (scanned QR or typed code/plate). Refused when another officer has it,
    when it is not the entry's current step, or not the officer's step."""
    _require_scope(officer, entry_step.step)
    with transaction.atomic():
        es = (
            EntryStep.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("entry", "step")
            .filter(pk=entry_step.pk)
            .first()
        )
        if es is None:
            raise TransitionError(_("Một cán bộ khác đang xử lý lượt xe này."))
        if es.status == "taken" and es.taken_by_id == officer.pk:
            return es  # taking twice (double click) changes nothing
        if es.status == "taken":
            raise TransitionError(_("Một cán bộ khác đang xử lý lượt xe này."))
        if not es.is_current or es.status not in (EntryStep.Status.PENDING, EntryStep.Status.HELD):
            raise TransitionError(_("Lượt xe chưa đến bước này hoặc đã qua bước này."))
        if not es.entry.is_open:
            raise TransitionError(_("Lượt xe đã kết thúc."))
        if es.step.requires_call and es.entry.called_at is None:
            raise TransitionError(_("Xe chưa được gọi ra khỏi bãi."))
        _mark_taken(es, officer)
    return es


def _mark_taken(es: EntryStep, officer) -> None:
    before = es.status
    es.status = "taken"
    es.taken_by = officer
    es.taken_at = timezone.now()
    es.save(update_fields=["status", "taken_by", "taken_at"])
    audit_record(
        actor=officer,
        action="border_gate.entry.take",
        object_type="border_gate.entry",
        object_id=es.entry_id,
        before={"step": es.step.code, "status": before},
        after={"step": es.step.code, "status": "taken"},
    )


def step_release(*, officer, entry_step: EntryStep, timeout: bool = False) -> EntryStep:
    """Give a taken step back to the queue (or to the hold it came from)."""
    with transaction.atomic():
        es = EntryStep.objects.select_for_update(of=("self",)).select_related("step").get(pk=entry_step.pk)
        if es.status != "taken" or (officer is not None and es.taken_by_id != officer.pk):
            return es
        es.status = EntryStep.Status.HELD if es.reason else EntryStep.Status.PENDING
        es.taken_by = None
        es.taken_at = None
        es.save(update_fields=["status", "taken_by", "taken_at"])
        audit_record(
            actor=officer,
            action="border_gate.entry.release",
            object_type="border_gate.entry",
            object_id=es.entry_id,
            after={"step": es.step.code, "status": es.status, "timeout": timeout},
            actor_label="" if officer else "celery:border_gate.release_stale",
        )
    return es


def release_stale_takes(*, now: datetime.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - TAKE_TIMEOUT
    count = 0
    for es in EntryStep.objects.filter(status="taken", taken_at__lt=cutoff):
        step_release(officer=None, entry_step=es, timeout=True)
        count += 1
    return count


# Statuses of a step nobody has decided yet: the current step is the first of them.
_UNDECIDED = (EntryStep.Status.PENDING, "taken", EntryStep.Status.HELD)
# The entry fields `step_pass` may change (`_step_data`: yard, fee receipt; `_close`: the end).
_DECISION_ENTRY_FIELDS = [
    "status",
    "arrived_at",
    "current_step",
    "current_yard",
    "fee_receipt_number",
    "fee_paid_at",
    "closed_at",
    "updated_at",
]


def _locked_steps(entry: Entry, entry_step_id: int) -> tuple[EntryStep, list[EntryStep]]:
    """All the entry's steps in position order, locked (the one lock order: entry, then its steps),
    with their definitions; and the one the decision is for. Moving the current step needs the
    whole pipeline anyway; reading it once under the lock replaces lock-the-step,
    re-read-all-steps and read-the-next-definition. Only the entry's step rows are locked: locking
    the step definitions too made every decision at one step wait for every other one."""
    steps = locking.lock_steps(entry.pk)
    es = next((s for s in steps if s.pk == entry_step_id), None)
    if es is None:
        raise EntryStep.DoesNotExist(_("Bước này không thuộc lượt xe."))
    return es, steps


def _lock_for_decision(entry_step: EntryStep) -> tuple[Entry, EntryStep, list[EntryStep]]:
    """Lock the entry of `entry_step`, then all its steps (see `_locked_steps`)."""
    entry = locking.lock_entry(pk=entry_step.entry_id)
    try:
        es, steps = _locked_steps(entry, entry_step.pk)
    except EntryStep.DoesNotExist as e:
        raise TransitionError(_("Bước này không thuộc lượt xe.")) from e
    return entry, es, steps


def _officer_lookup(officer, code: str) -> dict:
    """The look-up of an entry by its code within the officer's crossing (all crossings for system
    administrators). Raises TransitionError for a user who is not a border officer."""
    scope = officer_scope(officer)
    if scope is None:
        raise TransitionError(_("Bạn không thuộc lực lượng nào tại cửa khẩu."))
    return {"code": code} if scope.crossing is None else {"code": code, "crossing_id": scope.crossing.pk}


def step_decide(
    *,
    actor,
    code: str,
    entry_step_id: int,
    decision: str,
    data: dict | None = None,
    reason: str = "",
    take: bool = False,
) -> EntryStep:
    """An officer's decision (pass / hold / reject) posted from the entry page: the entry is found
    by its code within the officer's crossing and locked by the same statement, so a decision is
    one look-up, not a read followed by a locking re-read. Same rules, rows and audit as
    `step_pass` / `step_hold` / `step_reject`. Raises Entry.DoesNotExist / EntryStep.DoesNotExist
    (not the officer's entry, or not its step), TransitionError, ValidationError."""
    if decision not in ("pass", "hold", "reject"):
        raise ValidationError({"decision": _("Chọn quyết định.")})
    reason = (reason or "").strip()
    if decision != "pass" and not reason:
        raise ValidationError({"reason": _("Nêu lý do tạm dừng hoặc từ chối.")})
    lookup = _officer_lookup(actor, code)
    label = _actor_label(actor)
    with transaction.atomic():
        entry = locking.lock_entry(**lookup)
        if entry is None:
            raise Entry.DoesNotExist(code)
        es, steps = _locked_steps(entry, entry_step_id)
        _require_scope(actor, es.step)
        if decision == "pass":
            return _pass(entry, es, steps, actor=actor, label=label, data=dict(data or {}), take=take)
        if decision == "hold":
            return _hold(entry, es, actor=actor, label=label, reason=reason, take=take)
        return _reject(entry, es, actor=actor, label=label, reason=reason, take=take)


def _check_decidable(entry: Entry, es: EntryStep, actor, *, system: bool) -> None:
    if not entry.is_open:
        raise TransitionError(_("Lượt xe đã kết thúc."))
    if not es.is_current:
        raise TransitionError(_("Chưa đến bước này hoặc bước này đã xong: không được bỏ qua hay làm lại bước."))
    if system:
        if es.status not in _UNDECIDED:
            raise TransitionError(_("Bước này không còn chờ xử lý."))
        return
    if es.status != "taken" or es.taken_by_id != getattr(actor, "pk", None):
        raise TransitionError(_("Nhận lượt xe này trước khi ghi quyết định."))


def _take_for_decision(entry: Entry, es: EntryStep, officer) -> bool:
    """`take=True`: the officer decides straight from the entry page, taking the step in the same
    transaction, under the entry and step row locks, with the checks of `step_take`. A step another
    officer holds is refused as before, and two officers deciding at once are serialised by the
    entry lock: the second finds the step decided. Returns True when the step was taken here (the
    take is then part of the decision's audit row, as nobody could see it in between)."""
    if es.status == "taken":
        if es.taken_by_id != officer.pk:
            raise TransitionError(_("Một cán bộ khác đang xử lý lượt xe này."))
        return False
    if not es.is_current or es.status not in (EntryStep.Status.PENDING, EntryStep.Status.HELD) or not entry.is_open:
        return False  # refused by _check_decidable with its own message
    if es.step.requires_call and entry.called_at is None:
        raise TransitionError(_("Xe chưa được gọi ra khỏi bãi."))
    es.status = "taken"
    es.taken_by = officer
    es.taken_at = timezone.now()
    return True


def _already(es: EntryStep, status: str, actor, label: str) -> bool:
    """The same decision submitted again by the same actor: nothing to do (double submit)."""
    return es.status == status and (
        (actor is not None and es.decided_by_id == getattr(actor, "pk", None))
        or (actor is None and es.decided_by_label == label)
    )


def step_pass(
    *, actor, entry_step: EntryStep, data: dict | None = None, actor_label: str = "", take: bool = False
) -> EntryStep:
    """Record "pass" at the entry's current step, with the step's data (yard, certificate number,
    lane result, receipt). Moves the entry to its next applicable step, or to `crossed` after the
    last one. Officers must have taken the step, or pass `take=True` to take it in the same
    transaction; API systems (`actor=None`, `actor_label`) may pass a pending step directly.
    Side effects: a yard event at the yard step; a (coalesced) board refresh after the yard step or
    the crossing. Raises TransitionError / ValidationError."""
    if actor is not None:
        _require_scope(actor, entry_step.step)
    with transaction.atomic():
        entry, es, steps = _lock_for_decision(entry_step)
        return _pass(
            entry, es, steps, actor=actor, label=_actor_label(actor, actor_label), data=dict(data or {}), take=take
        )


def _pass(
    entry: Entry, es: EntryStep, steps: list[EntryStep], *, actor, label: str, data: dict, take: bool
) -> EntryStep:
    """`step_pass` on the rows locked by the caller (inside its transaction)."""
    system = actor is None
    if _already(es, EntryStep.Status.PASSED, actor, label):
        return es
    implicit_take = take and not system and _take_for_decision(entry, es, actor)
    _check_decidable(entry, es, actor, system=system)
    now = timezone.now()
    recorded = _step_data(entry, es, data, now=now, label=label)
    es.status = EntryStep.Status.PASSED
    es.is_current = False
    es.decided_by = actor if not system else None
    es.decided_by_label = label
    es.decided_at = now
    es.data = recorded
    fields = ["status", "is_current", "decided_by", "decided_by_label", "decided_at", "data"]
    sql.update(es, [*fields, "taken_by", "taken_at"] if implicit_take else fields)
    before_status = entry.status
    if entry.status in (Entry.Status.DECLARED, Entry.Status.HELD):
        entry.status = Entry.Status.IN_PROGRESS
    if entry.arrived_at is None:
        entry.arrived_at = now  # the first step is the arrival at the crossing
    # The next current step: the first undecided one (the rule of `_set_current`, applied to the
    # rows locked above; `es` was cleared first, so the one-current-step index never sees two).
    nxt = next((s for s in steps if s.status in _UNDECIDED), None)
    if nxt is not None:
        nxt.is_current = True
        sql.update(nxt, ["is_current"])
    entry.current_step = nxt
    verb = "pass"
    if nxt is None:
        _close(entry, Entry.Status.CROSSED, now=now, clear_current=False, save=False)
        verb = "cross"
    # Only what a decision can change (the full-row UPDATE of 43 columns cost more to build).
    sql.update(entry, _DECISION_ENTRY_FIELDS)
    after = {
        "status": entry.status,
        "step": es.step.code,
        "decision": "pass",
        "data": recorded,
        "next_step": nxt.step.code if nxt else None,
    }
    _audit_decision(
        entry, es, verb, actor=actor, label=label, before_status=before_status, after=after, took=implicit_take
    )
    if nxt is not None and nxt.step.data_kind == StepDefinition.DataKind.RECEIPT and entry.fee_paid_at:
        _auto_pass_fee(entry, nxt)
    if entry.status == Entry.Status.CROSSED or es.step.data_kind == "yard":
        _enqueue_queue_recompute(entry.crossing_id)
    return es


def _step_data(entry: Entry, es: EntryStep, data: dict, *, now, label: str) -> dict:
    kind = es.step.data_kind
    out = {k: val for k, val in data.items() if k == "note" and val}
    if kind == StepDefinition.DataKind.YARD:
        # The yard row lock serialises entries into one yard, so its capacity holds.
        yard = locking.lock_yard(data.get("yard"), entry.crossing_id)
        if yard is None:
            raise ValidationError({"yard": _("Chọn bãi của cửa khẩu này.")})
        if entry.current_yard_id != yard.pk:
            inside = locking.yard_occupancy(yard.pk)
            if inside >= yard.capacity:
                raise ValidationError(
                    {
                        "yard": _("Bãi %(yard)s đã đầy (%(n)d/%(cap)d xe).")
                        % {"yard": yard.name, "n": inside, "cap": yard.capacity}
                    }
                )
            sql.insert(YardEvent(yard=yard, entry=entry, kind="in", at=now, source=label))
            entry.current_yard = yard
        out["yard"] = yard.code
    elif kind == StepDefinition.DataKind.CERTIFICATE:
        number = (data.get("certificate_number") or "").strip()
        if not number:
            raise ValidationError({"certificate_number": _("Nhập số giấy chứng nhận kiểm dịch.")})
        out["certificate_number"] = number[:64]
    elif kind == StepDefinition.DataKind.LANE:
        if not entry.lane:
            raise ValidationError({"lane": _("Phân luồng tờ khai trước khi cho qua.")})
        out["lane"] = entry.lane
        if entry.inspection_required:
            result = (data.get("inspection_result") or "").strip()
            if not result:
                raise ValidationError({"inspection_result": _("Xe phải kiểm tra thực tế: ghi kết quả kiểm tra.")})
            out["inspection_result"] = result[:300]
            out["random"] = entry.inspection_random
    elif kind == StepDefinition.DataKind.RECEIPT:
        receipt = (data.get("receipt_number") or "").strip()
        if entry.fee_paid_at is None:
            if not receipt:
                raise ValidationError(
                    {"receipt_number": _("Phí chưa thanh toán trực tuyến: nhập số biên lai thu phí.")}
                )
            entry.fee_receipt_number = receipt[:64]
            entry.fee_paid_at = now
        out["receipt_number"] = entry.fee_receipt_number
        out["amount"] = entry.fee_amount
    return out


def _audit_decision(
    entry: Entry, es: EntryStep, verb: str, *, actor, label: str, before_status: str, after: dict, took: bool
) -> None:
    """The decision's audit row; `took`: the step was taken by the same transaction."""
    if took:
        after["taken"] = True
    audit_record(
        actor=actor,
        action=f"border_gate.entry.{verb}",
        obj=entry,
        before={"status": before_status, "step": es.step.code},
        after=after,
        actor_label=label,
    )


def step_hold(*, actor, entry_step: EntryStep, reason: str, actor_label: str = "", take: bool = False) -> EntryStep:
    """Hold the entry at this step with a reason (documents missing, sample taken …). The step
    stays current; an officer of the same force takes it again to pass or reject it later.
    `take=True`: take and hold in one transaction (see `step_pass`)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Nêu lý do tạm dừng.")})
    if actor is not None:
        _require_scope(actor, entry_step.step)
    with transaction.atomic():
        entry, es, _steps = _lock_for_decision(entry_step)
        return _hold(entry, es, actor=actor, label=_actor_label(actor, actor_label), reason=reason, take=take)


def _hold(entry: Entry, es: EntryStep, *, actor, label: str, reason: str, take: bool) -> EntryStep:
    """`step_hold` on the rows locked by the caller (inside its transaction)."""
    system = actor is None
    if _already(es, EntryStep.Status.HELD, actor, label) and es.reason == reason[:300]:
        return es
    implicit_take = take and not system and _take_for_decision(entry, es, actor)
    _check_decidable(entry, es, actor, system=system)
    es.status = EntryStep.Status.HELD
    es.reason = reason[:300]
    es.decided_by = actor if not system else None
    es.decided_by_label = label
    es.decided_at = timezone.now()
    es.taken_by = None
    es.save()
    before = entry.status
    entry.status = Entry.Status.HELD
    entry.save()
    after = {"status": "held", "step": es.step.code, "decision": "hold", "reason": es.reason}
    _audit_decision(entry, es, "hold", actor=actor, label=label, before_status=before, after=after, took=implicit_take)
    return es


def step_reject(*, actor, entry_step: EntryStep, reason: str, actor_label: str = "", take: bool = False) -> EntryStep:
    """Refuse the truck at this step (it turns around): the entry is closed as rejected.
    `take=True`: take and reject in one transaction (see `step_pass`)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Nêu lý do từ chối.")})
    if actor is not None:
        _require_scope(actor, entry_step.step)
    with transaction.atomic():
        entry, es, _steps = _lock_for_decision(entry_step)
        return _reject(entry, es, actor=actor, label=_actor_label(actor, actor_label), reason=reason, take=take)


def _reject(entry: Entry, es: EntryStep, *, actor, label: str, reason: str, take: bool) -> EntryStep:
    """`step_reject` on the rows locked by the caller (inside its transaction)."""
    system = actor is None
    if _already(es, EntryStep.Status.REJECTED, actor, label):
        return es
    implicit_take = take and not system and _take_for_decision(entry, es, actor)
    _check_decidable(entry, es, actor, system=system)
    es.status = EntryStep.Status.REJECTED
    es.is_current = False
    es.reason = reason[:300]
    es.decided_by = actor if not system else None
    es.decided_by_label = label
    es.decided_at = timezone.now()
    es.save()
    before = entry.status
    _close(entry, Entry.Status.REJECTED, now=es.decided_at, clear_current=False)
    after = {"status": "rejected", "step": es.step.code, "decision": "reject", "reason": es.reason}
    _audit_decision(
        entry, es, "reject", actor=actor, label=label, before_status=before, after=after, took=implicit_take
    )
    _enqueue_queue_recompute(entry.crossing_id)
    return es


def customs_assign_lane(
    *,
    actor,
    lane: str,
    entry: Entry | None = None,
    code: str = "",
    actor_label: str = "",
    rand: Callable[[], float] = random.random,
) -> Entry:
    """Record the customs risk lane (officer or customs system). Red means physical inspection;
    green/yellow entries are drawn at random (the crossing's share) for inspection, once.
    Refused after the customs step is decided. The entry is given, or its `code` within the
    officer's crossing (the officer's form: found and locked by one statement; Entry.DoesNotExist
    when it is not there)."""
    if lane not in Entry.Lane.values:
        raise ValidationError({"lane": _("Luồng phải là xanh, vàng hoặc đỏ.")})
    label = _actor_label(actor, actor_label)
    lookup = {"pk": entry.pk} if entry is not None else _officer_lookup(actor, code)
    with transaction.atomic():
        entry = locking.lock_entry(**lookup)
        if entry is None:
            raise Entry.DoesNotExist(code)
        if not entry.is_open:
            raise TransitionError(_("Lượt xe đã kết thúc."))
        # All the entry's steps are locked (the lock order of decisions), the customs one is read.
        customs = next((s for s in locking.lock_steps(entry.pk) if s.step.data_kind == "lane"), None)
        if customs is None:
            raise TransitionError(_("Quy trình của lượt xe không có bước hải quan."))
        if customs.status in (EntryStep.Status.PASSED, EntryStep.Status.REJECTED):
            raise TransitionError(_("Bước hải quan đã có quyết định: không phân luồng lại được."))
        if actor is not None:
            _require_scope(actor, customs.step)
        before = {"lane": entry.lane, "inspection_required": entry.inspection_required}
        if entry.lane == lane:
            return entry  # the same lane posted twice changes nothing
        if not entry.lane and lane != Entry.Lane.RED:
            share = Crossing.objects.filter(pk=entry.crossing_id).values_list("random_inspection_share", flat=True)
            entry.inspection_random = rand() < share[0]
        entry.lane = lane
        entry.inspection_required = lane == Entry.Lane.RED or entry.inspection_random
        sql.update(entry, ["lane", "inspection_required", "inspection_random", "updated_at"])
        audit_record(
            actor=actor,
            action="border_gate.entry.lane",
            obj=entry,
            before=before,
            after={"lane": lane, "inspection_required": entry.inspection_required, "random": entry.inspection_random},
            actor_label=label,
        )
    return entry


# --------------------------------------------------------------------------------------------------
# yards and the queue


def yard_event_record(
    *,
    entry: Entry,
    yard: Yard,
    kind: str,
    at: datetime.datetime | None = None,
    external_id: str = "",
    actor=None,
    actor_label: str = "",
) -> YardEvent:
    """A yard system reports a truck in or out. An "in" at the yard-entry step passes that step
    (the yard is authoritative); otherwise the location is recorded. Idempotent per external_id."""
    label = _actor_label(actor, actor_label)
    if kind not in ("in", "out"):
        raise ValidationError({"kind": _("Sự kiện phải là “in” hoặc “out”.")})
    if yard.crossing_id != entry.crossing_id:
        raise ValidationError({"yard": _("Bãi không thuộc cửa khẩu của lượt xe.")})
    if external_id:
        existing = YardEvent.objects.filter(yard=yard, external_id=external_id).first()
        if existing is not None:
            return existing
    at = at or timezone.now()
    with transaction.atomic():
        locked = Entry.objects.select_for_update().get(pk=entry.pk)
        current = locked.current_step
        if kind == "in" and current is not None and current.step.data_kind == "yard" and current.status != "held":
            pass_now = True
        else:
            pass_now = False
            if not locked.is_open and kind == "in":
                raise TransitionError(_("Lượt xe đã kết thúc."))
            if kind == "in":
                locked.current_yard = yard
            elif locked.current_yard_id == yard.pk:
                locked.current_yard = None
            locked.save(update_fields=["current_yard", "updated_at"])
            event = YardEvent.objects.create(
                yard=yard, entry=locked, kind=kind, at=at, source=label, external_id=external_id
            )
            audit_record(
                actor=actor,
                action=f"border_gate.entry.yard_{kind}",
                obj=locked,
                after={"yard": yard.code, "at": at},
                actor_label=label,
            )
    if pass_now:
        step_pass(actor=actor, entry_step=current, data={"yard": yard.pk}, actor_label=label)
        event = YardEvent.objects.filter(entry=entry, yard=yard, kind="in").order_by("-pk").first()
        if external_id and not event.external_id:
            event.external_id = external_id
            event.save(update_fields=["external_id"])
    return event


def queue_call_next(*, actor, crossing: Crossing, direction: str, count: int = 1) -> list[Entry]:
    """Call the next trucks waiting in the yard, in queue order (perishables first, then by
    arrival), among those ready for the barrier. Each called driver gets an SMS."""
    scope = officer_scope(actor)
    if scope is None or (scope.crossing is not None and scope.crossing.pk != crossing.pk):
        raise TransitionError(_("Bạn không điều hành bãi của cửa khẩu này."))
    if scope.force not in (None, "gate_board", "border_guard"):
        raise TransitionError(_("Chỉ Ban quản lý cửa khẩu và Biên phòng gọi xe."))
    count = max(1, min(int(count), 50))
    now = timezone.now()
    with transaction.atomic():
        entries = list(
            Entry.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                crossing=crossing,
                direction=direction,
                status=Entry.Status.IN_PROGRESS,
                called_at__isnull=True,
                current_step__step__requires_call=True,
            )
            .order_by("-perishable", "arrived_at", "pk")[:count]
        )
        for entry in entries:
            entry.called_at = now
            if entry.current_yard_id:
                YardEvent.objects.create(
                    yard_id=entry.current_yard_id, entry=entry, kind="out", at=now, source=_actor_label(actor)
                )
                entry.current_yard = None
            entry.save(update_fields=["called_at", "current_yard", "updated_at"])
            audit_record(actor=actor, action="border_gate.entry.call", obj=entry, after={"called_at": now})
        ids = [e.pk for e in entries]
        if ids:
            from border_gate import tasks

            transaction.on_commit(lambda: [tasks.notify_called.delay(pk) for pk in ids])
            _enqueue_queue_recompute(crossing.pk)
    return entries


def notify_called(*, entry_id: int) -> bool:
    """SMS the driver that their truck is called (once: the dedupe key makes a retry harmless)."""
    from core.notifications.services import notify

    entry = Entry.objects.filter(pk=entry_id, called_at__isnull=False).select_related("crossing", "vehicle").first()
    if entry is None or not entry.driver_phone:
        return False
    notify(
        event="border_gate.entry.called",
        subject=_("Xe %(plate)s được gọi vào cửa khẩu") % {"plate": entry.vehicle.plate_display},
        body=_("Cửa khẩu số Lạng Sơn: xe %(plate)s (mã %(code)s) đã đến lượt. Mời di chuyển đến %(crossing)s.")
        % {"plate": entry.vehicle.plate_display, "code": entry.code, "crossing": entry.crossing.name},
        phone=entry.driver_phone,
        channels=("sms",),
        dedupe_key=f"border_gate.called.{entry.pk}",
    )
    return True


# Board refreshes are coalesced: at most one message per crossing per this many seconds.
QUEUE_RECOMPUTE_WINDOW = 2


def _enqueue_queue_recompute(crossing_id: int) -> None:
    """After the commit, schedule one board refresh for the crossing, however many steps commit
    in the window (20 steps/s used to mean up to 20 broker messages/s and as many recomputes).
    The first commit of a window sets a flag (one Redis SET NX) and sends a message delayed by the
    window, so the task sees every change of the window; the flag expires when the task is due, so
    a change committed after that schedules the next run. `robust`: the decision is committed —
    a cache or broker hiccup must not turn it into an error page (the beat job refreshes boards
    every minute anyway)."""
    from django.core.cache import cache

    from border_gate import selectors, tasks

    def enqueue():
        if cache.add(selectors.cache_key("recompute", crossing_id), 1, timeout=QUEUE_RECOMPUTE_WINDOW):
            tasks.recompute_queue.apply_async((crossing_id,), countdown=QUEUE_RECOMPUTE_WINDOW)

    transaction.on_commit(enqueue, robust=True)


def queue_recompute(*, crossing_id: int) -> dict:
    """Cache the crossing's board figures (read by the live boards, the driver pages and the
    operations centre) so polling clients never rescan the queue. Idempotent."""
    from border_gate import selectors

    crossing = Crossing.objects.get(pk=crossing_id)
    board = selectors.board_compute(crossing)
    selectors.cache_store(selectors.board_cache_key(crossing.pk), board)
    # The public board (all crossings' counts) changes with any crossing's queue.
    selectors.cache_store(selectors.public_board_cache_key(), selectors.public_board_compute())
    return board


# --------------------------------------------------------------------------------------------------
# fees


@dataclass
class FeeQuote:
    amount: int
    base_amount: int
    regime: str
    goods_group: str
    vehicle_class: FeeVehicleClass
    rate: FeeRate
    multipliers: list[tuple[str, Decimal]]
    uses_placeholder: bool
    tariff: FeeTariff
    candidates: list[dict]


def active_tariff(on: datetime.date | None = None) -> FeeTariff | None:
    on = on or timezone.localdate()
    return (
        FeeTariff.objects.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .first()
    )


def fee_vehicle_class(*, total_weight_kg: int, container_sizes: list[int]) -> FeeVehicleClass:
    if container_sizes:
        size = 40 if max(container_sizes) >= 40 else 20
        vc = FeeVehicleClass.objects.filter(container_size_ft=size).first()
        if vc is not None:
            return vc
    for vc in FeeVehicleClass.objects.filter(container_size_ft__isnull=True).order_by("position"):
        lo, hi = vc.min_weight_kg or 0, vc.max_weight_kg
        if total_weight_kg >= lo and (hi is None or total_weight_kg < hi):
            return vc
    raise BorderGateError(_("Biểu phí chưa có hạng xe cho khối lượng này."))


def fee_quote(
    *,
    regime: str,
    journey: str,
    goods: list[tuple[str, int]],
    container_sizes: list[int] | None = None,
    on: datetime.date | None = None,
) -> FeeQuote:
    """The infrastructure fee of one trip under the tariff in force: the rate of the vehicle class
    (largest container, else total weight) for each goods line's group; ore (regular export) ×5;
    a mixed load pays the highest; then the journey multiplier (inland import ×1.3, wharf only ×0.3).
    Raises BorderGateError when the tariff has no rate for the case."""
    tariff = active_tariff(on)
    if tariff is None:
        raise BorderGateError(_("Chưa có biểu phí hạ tầng đang có hiệu lực."))
    if not goods:
        raise BorderGateError(_("Khai ít nhất một dòng hàng."))
    vc = fee_vehicle_class(total_weight_kg=sum(w for _t, w in goods), container_sizes=container_sizes or [])
    factors = {m.code: m for m in FeeMultiplier.objects.filter(tariff=tariff)}
    rates = {(r.regime, r.goods_group): r for r in FeeRate.objects.filter(tariff=tariff, vehicle_class=vc)}
    candidates = []
    for goods_type, _weight in goods:
        group = FeeRate.GoodsGroup.FARM if goods_type in FARM_GOODS else FeeRate.GoodsGroup.OTHER
        rate = rates.get((regime, group))
        if rate is None:
            raise BorderGateError(_("Biểu phí chưa có mức cho loại hình và hạng xe này."))
        amount = Decimal(rate.amount_vnd)
        applied = []
        if goods_type == GoodsType.ORE and regime == Regime.EXPORT and "ore" in factors:
            amount *= factors["ore"].factor
            applied.append(("ore", factors["ore"].factor))
        candidates.append(
            {"goods_type": goods_type, "group": group, "rate": rate, "amount": amount, "applied": applied}
        )
    best = max(candidates, key=lambda c: c["amount"])
    amount = best["amount"]
    multipliers = list(best["applied"])
    journey_code = {Journey.INLAND_IMPORT: "inland_import", Journey.WHARF_ONLY: "wharf_only"}.get(journey)
    if journey_code and journey_code in factors:
        amount *= factors[journey_code].factor
        multipliers.append((journey_code, factors[journey_code].factor))
    uses_placeholder = best["rate"].confidence != "found" or any(
        factors[c].confidence != "found" for c, _f in multipliers
    )
    return FeeQuote(
        amount=int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        base_amount=best["rate"].amount_vnd,
        regime=regime,
        goods_group=best["group"],
        vehicle_class=vc,
        rate=best["rate"],
        multipliers=multipliers,
        uses_placeholder=uses_placeholder,
        tariff=tariff,
        candidates=[{**c, "amount": int(c["amount"])} for c in candidates],
    )


def _refresh_fee(entry: Entry) -> None:
    try:
        quote = fee_quote(
            regime=entry.regime,
            journey=entry.journey,
            goods=[(g.goods_type, g.weight_kg) for g in entry.goods.all()],
            container_sizes=[c.size_ft for c in entry.containers.all()],
        )
    except BorderGateError:
        entry.fee_amount = None
        entry.fee_uses_placeholder = False
        return
    entry.fee_amount = quote.amount
    entry.fee_uses_placeholder = quote.uses_placeholder


def fee_request_payment(*, actor, entry: Entry):
    """Open (or return) the online payment of the entry's fee through core.payments. The payer may
    be a driver without an account: the payment page is reached by its unguessable link."""
    from core.payments.services import payment_create

    if entry.fee_paid_at is not None:
        raise TransitionError(_("Phí của lượt xe đã được thanh toán."))
    if not entry.is_open:
        raise TransitionError(_("Lượt xe đã kết thúc."))
    if not entry.fee_amount:
        raise TransitionError(_("Chưa tính được phí cho lượt xe: liên hệ Trung tâm Quản lý cửa khẩu."))
    with transaction.atomic():
        payment = payment_create(
            purpose=FEE_PURPOSE,
            amount=entry.fee_amount,
            payer=actor if getattr(actor, "is_authenticated", False) else None,
            description=_("Phí sử dụng hạ tầng cửa khẩu — %(code)s") % {"code": entry.code},
            obj=entry,
            # A corrected (re-priced) declaration gets a new payment; a double click gets the same.
            idempotency_key=f"border_gate.fee.{entry.pk}.{entry.fee_amount}",
            payer_name=entry.driver_name,
            payer_phone=entry.driver_phone,
        )
        if entry.fee_payment_reference != payment.reference:
            Entry.objects.filter(pk=entry.pk).update(fee_payment_reference=payment.reference)
            audit_record(
                actor=actor,
                action="border_gate.entry.fee_request",
                obj=entry,
                after={"payment": payment.reference, "amount": payment.amount},
            )
    return payment


def fee_on_paid(payment) -> None:
    """core.payments handler, inside the transaction marking the payment paid (called once)."""
    entry = Entry.objects.select_for_update().filter(pk=payment.object_id).first()
    if entry is None or entry.fee_paid_at is not None:
        return
    entry.fee_paid_at = payment.paid_at or timezone.now()
    entry.fee_receipt_number = payment.receipt_number or payment.reference
    entry.fee_payment_reference = payment.reference
    entry.save(update_fields=["fee_paid_at", "fee_receipt_number", "fee_payment_reference", "updated_at"])
    audit_record(
        actor=None,
        action="border_gate.entry.fee_paid",
        obj=entry,
        after={"payment": payment.reference, "amount": payment.amount, "receipt": entry.fee_receipt_number},
        actor_label="payments",
    )
    current = entry.current_step
    if current is not None and current.step.data_kind == "receipt" and current.status in ("pending", "taken"):
        _auto_pass_fee(entry, current)


def _auto_pass_fee(entry: Entry, es: EntryStep) -> None:
    """The fee step passes by itself when the fee is already paid online (within the caller's
    transaction and its locks)."""
    es = EntryStep.objects.select_for_update(of=("self",)).select_related("step").get(pk=es.pk)
    now = timezone.now()
    es.status = EntryStep.Status.PASSED
    es.decided_by = None
    es.decided_by_label = "payments"
    es.decided_at = now
    es.data = {"receipt_number": entry.fee_receipt_number, "amount": entry.fee_amount, "online": True}
    es.save()
    nxt = _set_current(entry)
    if nxt is None:
        _close(entry, Entry.Status.CROSSED, now=now)
    else:
        entry.save()
    audit_record(
        actor=None,
        action="border_gate.entry.pass",
        obj=entry,
        after={"step": es.step.code, "decision": "pass", "data": es.data, "next_step": nxt.step.code if nxt else None},
        actor_label="payments",
    )


def payment_return_url(payment) -> str:
    entry = Entry.objects.filter(pk=payment.object_id).first()
    from django.urls import reverse

    return reverse("border_gate:driver", args=[entry.token]) if entry else reverse("border_gate:index")


# --------------------------------------------------------------------------------------------------
# API keys


def api_key_hash(raw: str) -> str:
    # Keys are 256-bit random: a plain SHA-256 is enough (no dictionary to resist, unlike passwords).
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_create(*, actor, organisation: str, crossing: Crossing, scopes: list[str]) -> tuple[ApiKey, str]:
    """Create a key; returns (key, raw) — the raw key is shown once and never stored."""
    bad = set(scopes) - set(ApiKey.Scope.values)
    if bad or not scopes:
        raise ValidationError({"scopes": _("Quyền không hợp lệ.")})
    prefix = secrets.token_hex(4)
    raw = f"bg_{prefix}.{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            organisation=organisation,
            crossing=crossing,
            scopes=sorted(scopes),
            prefix=prefix,
            key_hash=api_key_hash(raw),
        )
        audit_record(
            actor=actor,
            action="border_gate.api_key.create",
            obj=key,
            after={"organisation": organisation, "crossing": crossing.code, "scopes": key.scopes},
        )
    return key, raw


def api_key_revoke(*, actor, key: ApiKey) -> ApiKey:
    with transaction.atomic():
        ApiKey.objects.filter(pk=key.pk).update(is_active=False)
        audit_record(actor=actor, action="border_gate.api_key.revoke", obj=key, after={"is_active": False})
    key.is_active = False
    return key


# --------------------------------------------------------------------------------------------------
# daily report


def daily_report_generate(*, date: datetime.date, now: datetime.datetime | None = None) -> DailyReport:
    """The 20:00 report for `date` (idempotent: regenerating replaces the day's figures).
    Cleared trucks per crossing and direction (export fruit / other; import goods / new vehicles;
    turned around), and the export backlog at generation time: fruit, other goods, and trucks
    outside the gate area (declared, expected by now, not yet checked in)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date, datetime.time.min, tzinfo=tz)
    end = start + datetime.timedelta(days=1)
    now = now or timezone.now()
    crossings = list(Crossing.objects.order_by("position"))
    closed = Entry.objects.filter(closed_at__gte=start, closed_at__lt=end)
    new_vehicle_entries = GoodsLine.objects.filter(goods_type=GoodsType.NEW_VEHICLE).values("entry_id")
    per_crossing = []
    totals = {
        "cleared": 0,
        "export": 0,
        "export_fruit": 0,
        "export_other": 0,
        "import": 0,
        "import_goods": 0,
        "import_new_vehicles": 0,
        "turned_around": 0,
    }
    for c in crossings:
        qs = closed.filter(crossing=c)
        row = qs.aggregate(
            cleared=Count("pk", filter=Q(status="crossed")),
            export=Count("pk", filter=Q(status="crossed", direction="export")),
            export_fruit=Count("pk", filter=Q(status="crossed", direction="export", is_fruit=True)),
            import_=Count("pk", filter=Q(status="crossed", direction="import")),
            import_new_vehicles=Count("pk", filter=Q(status="crossed", direction="import", pk__in=new_vehicle_entries)),
            turned_around=Count("pk", filter=Q(status="rejected")),
        )
        row["import"] = row.pop("import_")
        row["export_other"] = row["export"] - row["export_fruit"]
        row["import_goods"] = row["import"] - row["import_new_vehicles"]
        for k in totals:
            totals[k] += row[k]
        per_crossing.append({"crossing": c.code, "name": c.name, **row})
    open_export = Entry.objects.filter(direction="export", status__in=[Entry.Status.IN_PROGRESS, Entry.Status.HELD])
    outside = Entry.objects.filter(direction="export", status=Entry.Status.DECLARED, expected_arrival__lte=now)
    backlog = {
        "fruit": open_export.filter(is_fruit=True).count(),
        "other": open_export.filter(is_fruit=False).count(),
        "outside_gate_area": outside.count(),
    }
    backlog["total"] = sum(backlog.values())
    previous = DailyReport.objects.filter(date=date - datetime.timedelta(days=1)).first()
    backlog["delta"] = backlog["total"] - previous.data["backlog"]["total"] if previous else None
    data = {
        "date": date.isoformat(),
        "totals": totals,
        "crossings": per_crossing,
        "backlog": backlog,
        "generated_at": now.isoformat(),
    }
    report, _c = DailyReport.objects.update_or_create(date=date, defaults={"data": data, "generated_at": now})
    return report
