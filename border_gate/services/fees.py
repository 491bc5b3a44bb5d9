"""The infrastructure fee: tariff look-up, the quote of one trip, and the online payment through
core.payments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from border_gate import locking
from border_gate.models import (
    FARM_GOODS,
    Entry,
    EntryStep,
    FeeMultiplier,
    FeeRate,
    FeeTariff,
    FeeVehicleClass,
    GoodsType,
    Journey,
    Regime,
    StepDefinition,
)
from border_gate.services.common import BorderGateError, TransitionError, label_of
from border_gate.services.transitions import auto_pass_fee
from core.audit.services import audit_record

FEE_PURPOSE = "border_gate.infrastructure_fee"


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


def refresh_fee(entry: Entry) -> None:
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
    be a driver without an account: the payment page is reached by its unguessable link. The open
    link is reused; a failed or stale one is replaced (superseded), so only one can settle the fee."""
    from core.payments.selectors import payment_pending_for, payments_for_object
    from core.payments.services import payment_create, payments_supersede

    person = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        # The entry row first (the order core.payments expects): two clicks wait for each other.
        entry = Entry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
        if entry.fee_paid_at is not None:
            if not entry.fee_settled:
                # One successful online payment per entry: what a later correction added is paid at the gate.
                raise TransitionError(
                    _("Phí đã được thanh toán trực tuyến theo khai báo trước khi sửa: nộp phần còn thiếu tại cửa khẩu.")
                )
            raise TransitionError(_("Phí của lượt xe đã được thanh toán."))
        if not entry.is_open:
            raise TransitionError(_("Lượt xe đã kết thúc."))
        if not entry.fee_amount:
            raise TransitionError(_("Chưa tính được phí cho lượt xe: liên hệ Trung tâm Quản lý cửa khẩu."))
        pending = payment_pending_for(entry)
        if pending is not None and pending.amount == entry.fee_amount:
            return pending  # a retry or a double click reuses the open link
        payments_supersede(payable=entry, actor=person, reason="replaced by a new payment")
        payment = payment_create(
            purpose=FEE_PURPOSE,
            amount=entry.fee_amount,
            payer=person,
            description=_("Phí sử dụng hạ tầng cửa khẩu — %(code)s") % {"code": entry.code},
            obj=entry,
            # One key per attempt: a re-priced entry or a retry after a failure gets a new link.
            idempotency_key=f"border_gate.fee.{entry.pk}.{payments_for_object(entry).count() + 1}",
            payer_name=entry.driver_name,
            payer_phone=entry.driver_phone,
            amount_provisional=entry.fee_uses_placeholder,
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
    entry.fee_paid_amount = payment.amount
    entry.fee_receipt_number = payment.receipt_number or payment.reference
    entry.fee_payment_reference = payment.reference
    entry.save(
        update_fields=["fee_paid_at", "fee_paid_amount", "fee_receipt_number", "fee_payment_reference", "updated_at"]
    )
    audit_record(
        actor=None,
        action="border_gate.entry.fee_paid",
        obj=entry,
        after={"payment": payment.reference, "amount": payment.amount, "receipt": entry.fee_receipt_number},
        actor_label="payments",
    )
    steps = locking.lock_steps(entry.pk)
    current = next((s for s in steps if s.is_current), None)
    if (
        current is not None
        and current.step.data_kind == StepDefinition.DataKind.RECEIPT
        and current.status in (EntryStep.Status.PENDING, EntryStep.Status.TAKEN)
        and entry.fee_settled
    ):
        auto_pass_fee(entry, current, steps)


def fee_amount_due(payment) -> int | None:
    """core.payments' amount_due: what the entry owes online now, with its row locked (first, so a
    correction re-pricing it waits or is waited for). None once it is closed or already paid."""
    entry = Entry.objects.select_for_update(of=("self",)).filter(pk=payment.object_id).first()
    if entry is None or not entry.is_open or entry.fee_paid_at is not None:
        return None
    return entry.fee_amount or None


def fee_links_supersede(entry: Entry, *, actor, reason: str) -> None:
    """Close the entry's open payment links (the fee was re-priced or the entry closed); called
    inside the caller's transaction with the entry row locked."""
    from core.payments.services import payments_supersede

    person = getattr(actor, "is_authenticated", False)
    payments_supersede(
        payable=entry, actor=actor if person else None, actor_label="" if person else label_of(actor), reason=reason
    )


def payment_return_url(payment) -> str:
    entry = Entry.objects.filter(pk=payment.object_id).first()
    from django.urls import reverse

    return reverse("border_gate:driver", args=[entry.token]) if entry else reverse("border_gate:index")
