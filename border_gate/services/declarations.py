"""Declarations before arrival: declare, cancel, expire (corrections: `corrections.py`)."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from border_gate import validators as v
from border_gate.models import (
    DRIVER_LANGUAGES,
    Container,
    Crossing,
    Direction,
    Driver,
    Enterprise,
    EnterpriseMember,
    Entry,
    EntryStep,
    EntryVersion,
    GoodsLine,
    GoodsType,
    Journey,
    Regime,
    StepDefinition,
    Vehicle,
)
from border_gate.services.common import BorderGateError, TransitionError, label_of
from border_gate.services.fees import fee_links_supersede, refresh_fee
from border_gate.services.transitions import close_entry, save_entry, set_current_step, step_applies
from core.audit.services import audit_record
from core.errors import InvalidInputError

# A declaration whose truck has not checked in this long after its expected arrival expires.
EXPIRY_GRACE = datetime.timedelta(hours=48)


MAX_GOODS_LINES = 10


MAX_CONTAINERS = v.MAX_CONTAINERS


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
    driver_language: str = "vi"


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
        s = check("containers", v.validate_container_size, size) if c else None
        if c and s:
            out["containers"].append((c, s))
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
    if data.driver_language not in {code for code, _label in DRIVER_LANGUAGES}:
        errors.setdefault("driver_language", []).append(_("Chọn ngôn ngữ của lái xe."))
    if data.direction not in Direction.values:
        errors.setdefault("direction", []).append(_("Chọn chiều xuất hoặc nhập."))
    if data.regime not in Regime.values:
        errors.setdefault("regime", []).append(_("Chọn loại hình."))
    if data.journey not in Journey.values:
        errors.setdefault("journey", []).append(_("Chọn hành trình."))
    if "journey" not in errors:
        check("journey", v.validate_journey, data.journey, data.direction)
    check("expected_arrival", v.validate_expected_arrival, data.expected_arrival)
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
        raise InvalidInputError(errors=errors)
    return out


_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U to misread at the gate


def crossing_prefix(crossing: Crossing) -> str:
    return "".join(part[0] for part in crossing.code.split("-")).upper()[:3]


def _new_entry_code(crossing: Crossing) -> str:
    return f"{crossing_prefix(crossing)}-{''.join(secrets.choice(_CODE_ALPHABET) for _i in range(7))}"


def vehicle_for(plate: v.Plate) -> Vehicle:
    vehicle, _created = Vehicle.objects.get_or_create(
        country=plate.country,
        plate=plate.compact,
        defaults={"plate_kind": plate.kind, "plate_display": plate.display},
    )
    return vehicle


def apply_goods_flags(entry: Entry, goods: list) -> None:
    entry.perishable = any(g.perishable for g in goods)
    entry.is_fruit = any(g.goods_type == GoodsType.FRESH_FRUIT for g in goods)
    entry.needs_plant_quarantine = any(v.hs_needs_plant_quarantine(g.hs_code) for g in goods)
    entry.needs_animal_quarantine = any(v.hs_needs_animal_quarantine(g.hs_code) for g in goods)
    entry.total_weight_kg = sum(g.weight_kg for g in goods)


def entry_declare(
    *, actor, data: DeclarationData, enterprise: Enterprise | None = None, submission_key: str = ""
) -> Entry:
    """Declare a truck before arrival. Creates the entry, its goods, version 1, its materialised
    pipeline (conditional steps skipped or pending by the goods) and the fee estimate.
    The same `submission_key` from the same user returns the first entry (double submit).
    Raises InvalidInputError (field-level) or BorderGateError."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if submission_key and user is not None:
        existing = Entry.objects.filter(declared_by=user, submission_key=submission_key).first()
        if existing is not None:
            return existing
    clean = _validate_declaration(data)
    crossing = data.crossing
    if not crossing.is_active:
        raise InvalidInputError(errors={"crossing": _("Cửa khẩu này đang tạm dừng tiếp nhận.")})
    steps = list(StepDefinition.objects.filter(crossing=crossing, direction=data.direction, is_active=True))
    if not steps:
        raise InvalidInputError(errors={"direction": _("Cửa khẩu chưa cấu hình quy trình cho chiều này.")})
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
            vehicle=vehicle_for(clean["vehicle"]),
            trailer=vehicle_for(clean["trailer"]) if clean["trailer"] else None,
            driver=driver,
            driver_name=data.driver_name.strip(),
            driver_id_number=clean["driver_id_number"],
            driver_phone=clean["driver_phone"],
            driver_language=data.driver_language,
            driver_licence=data.driver_licence.strip(),
            health_symptoms=data.health_symptoms,
            health_note=data.health_note.strip(),
            expected_arrival=data.expected_arrival,
            customs_declaration_number=clean["customs_declaration_number"],
        )
        apply_goods_flags(entry, clean["goods"])
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
                status=EntryStep.Status.PENDING if step_applies(s, entry) else EntryStep.Status.SKIPPED,
            )
            for s in steps
        )
        set_current_step(entry)
        refresh_fee(entry)
        entry.save()
        snapshot = entry_snapshot(entry)
        EntryVersion.objects.create(
            entry=entry,
            number=1,
            snapshot=snapshot,
            author=entry.declared_by,
            author_label=label_of(actor),
            reason=_("Khai báo ban đầu"),
        )
        audit_record(actor=actor, action="border_gate.entry.declare", obj=entry, after=snapshot)
        send_driver_link(entry=entry)
    return entry


def send_driver_link(*, entry: Entry) -> None:
    """SMS the driver the link to their page, in their language, so they can follow the truck
    without the enterprise forwarding it (once per entry: the dedupe key makes a repeat harmless).
    Short: the code, the plate and the link fit two SMS parts."""
    from core.notifications.services import notify

    url = settings.SITE_URL.rstrip("/") + reverse("border_gate:driver", args=[entry.token])
    with translation.override(entry.driver_language):
        body = _("Cửa khẩu số Lạng Sơn: xe %(plate)s, mã %(code)s. Theo dõi: %(url)s") % {
            "plate": entry.vehicle.plate_display,
            "code": entry.code,
            "url": url,
        }
        subject = _("Mã khai báo %(code)s") % {"code": entry.code}
    notify(
        event="border_gate.entry.driver_link",
        subject=subject,
        body=body,
        phone=entry.driver_phone,
        channels=("sms",),
        dedupe_key=f"border_gate.driver_link.{entry.pk}",
    )


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


def entry_cancel(*, actor, entry: Entry, reason: str) -> Entry:
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != Entry.Status.DECLARED:
            raise TransitionError(_("Chỉ hủy được khai báo khi xe chưa đến cửa khẩu."))
        close_entry(entry, Entry.Status.CANCELLED)
        save_entry(entry)
        fee_links_supersede(entry, actor=actor, reason="entry cancelled")
        audit_record(
            actor=actor,
            action="border_gate.entry.cancel",
            obj=entry,
            before={"status": Entry.Status.DECLARED},
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
        close_entry(entry, Entry.Status.EXPIRED, now=now)
        save_entry(entry)
        fee_links_supersede(entry, actor=None, reason="entry expired")
        audit_record(
            actor=None,
            action="border_gate.entry.expire",
            obj=entry,
            before={"status": Entry.Status.DECLARED},
            after={"status": entry.status},
            actor_label="celery:border_gate.expire",
        )
    return True
