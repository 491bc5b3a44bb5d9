"""Payments: the one way to create, settle, cancel and expire a Payment.

State machine (each transition a named service, under the Payment row lock, audited):
    pending → paid | failed | cancelled | expired
    failed  → paid | cancelled     (the payer tried again, or the office gave up)
    expired → paid                 (a late bank confirmation: the money did arrive)
A bank confirmation for a cancelled payment does not reopen it: it is acknowledged (so the bank
stops retrying) and audited as `payments.payment.paid_after_cancel` for a manual refund.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from core.audit.services import audit_record
from core.files import random_file_name
from core.payments.models import Payment
from core.payments.providers import InvalidCallbackError, get_provider
from core.payments.registry import get_purpose

logger = logging.getLogger(__name__)

S = Payment.Status
TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.PAID, S.FAILED, S.CANCELLED, S.EXPIRED},
    S.FAILED: {S.PAID, S.CANCELLED},
    S.EXPIRED: {S.PAID},
    S.PAID: set(),
    S.CANCELLED: set(),
}


class PaymentError(Exception):
    pass


class InvalidTransitionError(PaymentError):
    pass


class IdempotencyConflictError(PaymentError):
    """The idempotency key was already used for a different payment (other purpose/amount/object)."""


def _snapshot(payment: Payment) -> dict:
    return {
        "status": payment.status,
        "amount": payment.amount,
        "reference": payment.reference,
        "purpose": payment.purpose,
        "receipt_number": payment.receipt_number,
        "paid_at": payment.paid_at,
        "provider_transaction_id": payment.provider_transaction_id,
    }


def _transition(payment: Payment, to: str, *, actor=None, actor_label: str = "", extra: dict | None = None) -> None:
    """Move a locked payment to `to`, audited as `payments.payment.<to>`."""
    if to not in TRANSITIONS[payment.status]:
        raise InvalidTransitionError(f"{payment.status} → {to} is not allowed")
    before = _snapshot(payment)
    payment.status = to
    if to in {S.CANCELLED, S.EXPIRED, S.FAILED}:
        payment.closed_at = timezone.now()
    payment.save()
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action=f"payments.payment.{to}",
        obj=payment,
        before=before,
        after={**_snapshot(payment), **(extra or {})},
    )


def payment_create(
    *,
    purpose: str,
    amount: int,
    payer,
    description: str,
    obj: Model,
    idempotency_key: str,
    payer_name: str = "",
    payer_phone: str = "",
) -> Payment:
    """Create a pending Payment for `obj`, or return the one already created with this
    idempotency_key (a double submit creates nothing twice). Raises ValueError on a bad amount or
    key, ImproperlyConfigured for an unregistered purpose, IdempotencyConflictError when the key was
    used for another purpose/amount/object. Audited as `payments.payment.create`."""
    get_purpose(purpose)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError("amount must be a positive integer number of VND")
    if not idempotency_key:
        raise ValueError("idempotency_key is required")
    object_type, object_id = obj._meta.label_lower, str(obj.pk)
    ttl_hours = getattr(settings, "PORTAL_PAYMENT_TTL_HOURS", 24)

    def _check(existing: Payment) -> Payment:
        if (existing.purpose, existing.amount, existing.object_type, existing.object_id) != (
            purpose,
            amount,
            object_type,
            object_id,
        ):
            raise IdempotencyConflictError(f"idempotency key {idempotency_key!r} already used for another payment")
        return existing

    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _check(existing)
    payer_user = payer if getattr(payer, "pk", None) else None
    try:
        with transaction.atomic():
            now = timezone.now()
            payment = Payment.objects.create(
                idempotency_key=idempotency_key[:200],
                purpose=purpose,
                description=description[:300],
                amount=amount,
                object_type=object_type,
                object_id=object_id,
                payer=payer_user,
                payer_name=(payer_name or (payer_user.get_full_name() if payer_user else ""))[:150],
                payer_phone=(payer_phone or (getattr(payer_user, "phone", "") if payer_user else ""))[:15],
                provider=settings.PORTAL_PAYMENT_PROVIDER,
                created_at=now,
                expires_at=now + timedelta(hours=ttl_hours),
            )
            audit_record(actor=payer_user, action="payments.payment.create", obj=payment, after=_snapshot(payment))
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its payment.
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _check(existing)
    return payment


def _next_receipt_number(year: int) -> str:
    # One upsert: creates the year's counter or increments it, holding its row lock until the
    # payment's transaction ends, so concurrent payments get consecutive numbers and a rollback
    # gives the number back (gap-free).
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO payments_receiptcounter (year, last_number) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last_number = payments_receiptcounter.last_number + 1 "
            "RETURNING last_number",
            [year],
        )
        (number,) = cursor.fetchone()
    return f"{year}-{number:06d}"


def _mark_paid(payment: Payment, *, transaction_id: str, actor=None, actor_label: str) -> None:
    now = timezone.now()
    payment.paid_at = now
    payment.closed_at = now
    payment.provider_transaction_id = transaction_id
    payment.receipt_number = _next_receipt_number(timezone.localtime(now).year)
    _transition(payment, S.PAID, actor=actor, actor_label=actor_label)
    purpose = get_purpose(payment.purpose)
    if purpose.on_paid is not None:
        # Exactly once: only the transition into `paid` gets here, under the row lock.
        purpose.on_paid(payment)


@dataclass(frozen=True)
class CallbackOutcome:
    http_status: int
    result: str  # paid | failed | already_paid | ignored | paid_after_cancel | invalid | unknown | amount_mismatch
    payment: Payment | None = None


def payment_handle_callback(
    *, provider: str, body: bytes, headers: Mapping[str, str], params: Mapping[str, str] | None = None
) -> CallbackOutcome:
    """Verify a provider's callback and apply it. Idempotent: a repeated callback changes nothing
    and answers 200. Invalid signature → 403; unknown reference → 404; an amount that differs
    from the payment's → 400 (audited, nothing changes). On `paid` the purpose's on_paid runs in
    this transaction; if it raises, everything rolls back and the exception propagates (the
    provider will retry)."""
    try:
        data = get_provider(provider).verify_callback(body=body, headers=headers, params=params or {})
    except LookupError:
        return CallbackOutcome(404, "unknown")
    except InvalidCallbackError:
        return CallbackOutcome(403, "invalid")
    label = f"provider:{provider}"
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(reference=data.reference).first()
        if payment is None:
            return CallbackOutcome(404, "unknown")
        if data.amount != payment.amount:
            audit_record(
                actor=None,
                actor_label=label,
                action="payments.payment.callback_rejected",
                obj=payment,
                before=_snapshot(payment),
                after={"reason": "amount_mismatch", "callback_amount": data.amount, "status": data.status},
            )
            return CallbackOutcome(400, "amount_mismatch", payment)
        if data.status == "paid":
            if payment.status == S.PAID:
                return CallbackOutcome(200, "already_paid", payment)
            if payment.status == S.CANCELLED:
                audit_record(
                    actor=None,
                    actor_label=label,
                    action="payments.payment.paid_after_cancel",
                    obj=payment,
                    before=_snapshot(payment),
                    after={"transaction_id": data.transaction_id, "amount": data.amount, "needs_refund": True},
                )
                return CallbackOutcome(200, "paid_after_cancel", payment)
            _mark_paid(payment, transaction_id=data.transaction_id, actor_label=label)
            return CallbackOutcome(200, "paid", payment)
        # status == "failed": only a pending payment fails; anything else keeps its state.
        if payment.status == S.PENDING:
            payment.provider_transaction_id = data.transaction_id
            _transition(payment, S.FAILED, actor_label=label)
            return CallbackOutcome(200, "failed", payment)
        return CallbackOutcome(200, "ignored", payment)


def payment_cancel(*, payment: Payment, actor, reason: str = "") -> Payment:
    """Cancel a pending (or failed) payment, e.g. when its dossier is withdrawn. Raises
    InvalidTransitionError otherwise (a paid payment is refunded, never cancelled)."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        _transition(locked, S.CANCELLED, actor=actor, extra={"reason": reason[:500]})
    return locked


def payment_expire_stale(*, now=None, batch_size: int = 500) -> int:
    """Expire pending payments past their expiry time (beat job). Skips rows another transaction
    holds (a callback being applied right now wins). Returns how many were expired."""
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(
                Payment.objects.select_for_update(skip_locked=True)
                .filter(status=S.PENDING, expires_at__lt=now)
                .order_by("expires_at")[:batch_size]
            )
            for payment in batch:
                _transition(payment, S.EXPIRED, actor_label="system:payments.expire")
        expired += len(batch)
        if len(batch) < batch_size:
            return expired


def payment_receipt_pdf(*, payment: Payment) -> bytes:
    """The electronic receipt (PDF) of a paid payment, rendered once and kept, so every download
    is the same document. Raises PaymentError if the payment is not paid."""
    from core.pdf import render_pdf

    if not payment.is_paid:
        raise PaymentError("no receipt: the payment is not paid")
    if payment.receipt_file:
        with payment.receipt_file.open("rb") as fh:
            return fh.read()
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.receipt_file:
            with locked.receipt_file.open("rb") as fh:
                return fh.read()
        purpose = get_purpose(locked.purpose)
        pdf = render_pdf(
            "payments/receipt_pdf.html",
            {"payment": locked, "purpose_label": purpose.label, "title": f"Biên lai {locked.receipt_number}"},
        )
        locked.receipt_file.save(random_file_name("receipt.pdf"), ContentFile(pdf), save=False)
        locked.save(update_fields=["receipt_file"])
    payment.receipt_file = locked.receipt_file
    return pdf
