"""Payments: the one way to create, settle, supersede, cancel and expire a Payment.

State machine (each transition a named service, under the Payment row lock, audited):
    pending → paid | failed | cancelled | expired | superseded
    failed  → paid | cancelled | expired | superseded   (the payer tried again, or it was replaced)
One object has at most one paid payment (also a database constraint): when one is paid, every other
open link of the object expires. A bank confirmation that may not settle anything — for a link that
is superseded, expired or cancelled, for an object already paid, or for an amount that is not the
amount now due — is acknowledged (so the bank stops retrying) and recorded as a Refund for the
finance office (audited `payments.refund.open`), never as a second receipt.

Lock order, everywhere: the pillar's object row, then the object's advisory lock (_lock_payable),
then Payment rows. A re-pricing pillar holds its row when it calls payments_supersede; a callback
takes the row through the purpose's amount_due before anything else.
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
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import ConflictError, InvalidTransitionError, NotAllowedError, ServiceError
from core.files import random_file_name
from core.payments.models import CallbackNonce, Payment, Refund
from core.payments.providers import InvalidCallbackError, enabled_providers, get_provider
from core.payments.registry import get_purpose

logger = logging.getLogger(__name__)

S = Payment.Status
OPEN = (S.PENDING, S.FAILED)
TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.PAID, S.FAILED, S.CANCELLED, S.EXPIRED, S.SUPERSEDED},
    S.FAILED: {S.PAID, S.CANCELLED, S.EXPIRED, S.SUPERSEDED},
    S.EXPIRED: set(),
    S.SUPERSEDED: set(),
    S.PAID: set(),
    S.CANCELLED: set(),
}
R = Refund.Reason
# A confirmation for a link in this state is refunded for this reason.
CLOSED_REASONS = {S.SUPERSEDED: R.SUPERSEDED, S.EXPIRED: R.EXPIRED, S.CANCELLED: R.CANCELLED}


class PaymentError(ServiceError):
    """A payment refused, in the one error convention (core.errors)."""


class PaymentStateError(PaymentError, InvalidTransitionError):
    """The payment or refund is not in a state that allows this (409 in the API, as everywhere)."""


class IdempotencyConflictError(PaymentError, ConflictError):
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
        raise PaymentStateError(f"{payment.status} → {to} is not allowed")
    before = _snapshot(payment)
    payment.status = to
    if to in {S.CANCELLED, S.EXPIRED, S.FAILED, S.SUPERSEDED}:
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
    provider: str | None = None,
    amount_provisional: bool = False,
) -> Payment:
    """Create a pending Payment for `obj` (`amount_provisional`: the fee is not confirmed for Lạng
    Sơn yet, and the payment page says so), or return the one already created with this
    idempotency_key (a double submit creates nothing twice). Raises ValueError on a bad amount or
    key, ImproperlyConfigured for an unregistered purpose, IdempotencyConflictError when the key was
    used for another purpose/amount/object. `provider` (default PORTAL_PAYMENT_PROVIDER) must be an
    enabled one (ValueError): e.g. a second link for the same object through another provider, the
    first paid one settling the object. Audited as `payments.payment.create`."""
    get_purpose(purpose)
    provider = provider or settings.PORTAL_PAYMENT_PROVIDER
    if provider not in enabled_providers():
        raise ValueError(f"payment provider {provider!r} is not enabled")
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
                provider=provider,
                amount_provisional=amount_provisional,
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
    _issue_receipt_or_retry(payment)


def _issue_receipt_or_retry(payment: Payment) -> None:
    """Issue the e-receipt with the payment (a GET never writes: the download only reads it). In a
    savepoint: a receipt that cannot be made now must not undo the bank's confirmation; the task
    `payments.issue_receipt` tries again after the commit."""
    try:
        with transaction.atomic():
            payment_receipt_pdf(payment=payment)
    except Exception:
        logger.exception("receipt %s not issued with its payment: retried by a task", payment.receipt_number)
        from core.payments import tasks

        transaction.on_commit(lambda: tasks.issue_receipt.delay(payment.pk), robust=True)


def _lock_payable(object_type: str, object_id: str) -> None:
    """Serialise everything that settles or supersedes one payable object (two links confirmed at
    once, a confirmation racing a re-pricing) until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"payments:{object_type}:{object_id}"])


def payments_supersede(*, payable: Model, actor=None, actor_label: str = "", reason: str = "") -> list[Payment]:
    """Close every open (pending or failed) payment link of `payable`: its fee was re-priced or the
    object cancelled, so none of them may settle it any more. Call it inside the pillar's
    transaction, holding the object's row lock. Money a bank confirms later for one of them is
    recorded for refund. Audited `payments.payment.superseded` per link; returns the closed links."""
    object_type, object_id = payable._meta.label_lower, str(payable.pk)
    with transaction.atomic():
        _lock_payable(object_type, object_id)
        links = list(
            Payment.objects.select_for_update()
            .filter(object_type=object_type, object_id=object_id, status__in=OPEN)
            .order_by("pk")
        )
        for link in links:
            _transition(link, S.SUPERSEDED, actor=actor, actor_label=actor_label, extra={"reason": reason[:500]})
    return links


def _expire_other_links(paid: Payment, *, actor_label: str) -> None:
    others = (
        Payment.objects.select_for_update()
        .filter(object_type=paid.object_type, object_id=paid.object_id, status__in=OPEN)
        .exclude(pk=paid.pk)
        .order_by("pk")
    )
    for other in others:
        _transition(
            other, S.EXPIRED, actor_label=actor_label, extra={"reason": "settled", "settled_by": paid.reference}
        )


def _record_refund(payment: Payment, data, *, reason: str, actor_label: str, due: int | None) -> Refund:
    refund, created = Refund.objects.get_or_create(
        payment=payment,
        provider_transaction_id=data.transaction_id,
        defaults={"amount": data.amount, "reason": reason},
    )
    if created:
        audit_record(
            actor=None,
            actor_label=actor_label,
            action="payments.refund.open",
            obj=refund,
            after={
                "payment": payment.reference,
                "payment_status": payment.status,
                "amount": refund.amount,
                "amount_due": due,
                "reason": reason,
                "transaction_id": data.transaction_id,
            },
        )
    return refund


@dataclass(frozen=True)
class CallbackOutcome:
    http_status: int
    # paid | failed | already_paid | ignored | needs_refund | invalid | stale | replay | unknown
    # | wrong_provider | amount_mismatch
    result: str
    payment: Payment | None = None


def payment_handle_callback(
    *, provider: str, body: bytes, headers: Mapping[str, str], params: Mapping[str, str] | None = None
) -> CallbackOutcome:
    """Verify a provider's callback and apply it, in one transaction. A provider that is not
    enabled → 404; a bad signature → 403; a signed timestamp further than
    PORTAL_PAYMENT_CALLBACK_TOLERANCE_SECONDS from now → 403 `stale`; a nonce already seen → 409
    `replay` (changes nothing); an unknown reference → 404; a payment made with another provider →
    403; an amount that differs from the link's → 400 (audited, nothing changes).

    `paid` settles the link only if it is open, its object has no other paid payment and its amount
    is the amount due now (the purpose's amount_due); then the purpose's on_paid runs in this
    transaction and every other open link of the object expires. Otherwise the money is recorded as
    a Refund (200 `needs_refund`, idempotent per bank transaction). If on_paid raises, everything —
    the nonce included — rolls back and the exception propagates (the provider will retry)."""
    if provider not in enabled_providers():
        return CallbackOutcome(404, "unknown")
    try:
        data = get_provider(provider).verify_callback(body=body, headers=headers, params=params or {})
    except LookupError:
        return CallbackOutcome(404, "unknown")
    except InvalidCallbackError:
        return CallbackOutcome(403, "invalid")
    now = timezone.now()
    tolerance = getattr(settings, "PORTAL_PAYMENT_CALLBACK_TOLERANCE_SECONDS", 300)
    if abs(now.timestamp() - data.timestamp) > tolerance:
        logger.warning("stale payment callback for %s (timestamp %s)", data.reference, data.timestamp)
        return CallbackOutcome(403, "stale")
    label = f"provider:{provider}"
    with transaction.atomic():
        try:
            with transaction.atomic():
                CallbackNonce.objects.create(provider=provider, nonce=data.nonce, received_at=now)
        except IntegrityError:
            logger.warning("replayed payment callback for %s (nonce %s)", data.reference, data.nonce)
            return CallbackOutcome(409, "replay")
        # Unlocked read: only to learn the object and purpose (never change); locks come in order below.
        payment = Payment.objects.filter(reference=data.reference).first()
        if payment is None:
            return CallbackOutcome(404, "unknown")
        rejection = ""
        if payment.provider != provider:
            rejection = "wrong_provider"
        elif data.amount != payment.amount:
            rejection = "amount_mismatch"
        if rejection:
            audit_record(
                actor=None,
                actor_label=label,
                action="payments.payment.callback_rejected",
                obj=payment,
                before=_snapshot(payment),
                after={"reason": rejection, "callback_amount": data.amount, "status": data.status},
            )
            return CallbackOutcome(403 if rejection == "wrong_provider" else 400, rejection, payment)
        if data.status == "paid":
            return _apply_paid(payment, data, label=label)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        # status == "failed": only a pending payment fails; anything else keeps its state.
        if payment.status == S.PENDING:
            payment.provider_transaction_id = data.transaction_id
            _transition(payment, S.FAILED, actor_label=label)
            return CallbackOutcome(200, "failed", payment)
        return CallbackOutcome(200, "ignored", payment)


def _apply_paid(payment: Payment, data, *, label: str) -> CallbackOutcome:
    purpose = get_purpose(payment.purpose)
    # First the pillar's row (amount_due locks it), then the object, then the payment rows.
    due = purpose.amount_due(payment) if purpose.amount_due is not None else payment.amount
    _lock_payable(payment.object_type, payment.object_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == S.PAID:
        return CallbackOutcome(200, "already_paid", payment)
    other_paid = (
        Payment.objects.filter(object_type=payment.object_type, object_id=payment.object_id, status=S.PAID)
        .exclude(pk=payment.pk)
        .exists()
    )
    if payment.status in CLOSED_REASONS:
        reason = CLOSED_REASONS[payment.status]
    elif other_paid:
        reason = R.ALREADY_PAID
    elif due is None:
        reason = R.NOTHING_DUE
    elif payment.amount != due:
        reason = R.AMOUNT_NOT_DUE
    else:
        _mark_paid(payment, transaction_id=data.transaction_id, actor_label=label)
        _expire_other_links(payment, actor_label=label)
        return CallbackOutcome(200, "paid", payment)
    _record_refund(payment, data, reason=reason, actor_label=label, due=due)
    if payment.status in OPEN:
        # It can never settle its object now: nobody should pay it again.
        _transition(payment, S.SUPERSEDED, actor_label=label, extra={"reason": reason})
    return CallbackOutcome(200, "needs_refund", payment)


def refund_mark_refunded(*, refund: Refund, actor, note: str) -> Refund:
    """The finance office records that it paid the money back (note: the bank's reference of the
    refund transfer). Only a finance officer or a superuser; an already refunded one is refused.
    Audited `payments.refund.refunded`."""
    from core.users import roles

    if not (getattr(actor, "is_superuser", False) or actor.has_role(roles.FINANCE_OFFICER)):
        raise NotAllowedError(_("Chỉ cán bộ tài chính được ghi nhận hoàn tiền."))
    note = (note or "").strip()
    if not note:
        raise ServiceError(errors={"note": [_("Nhập mã giao dịch hoàn tiền của ngân hàng.")]})
    with transaction.atomic():
        locked = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
        if locked.status != Refund.Status.OPEN:
            raise PaymentStateError(_("Khoản này đã được hoàn tiền."))
        locked.status = Refund.Status.REFUNDED
        locked.resolved_at = timezone.now()
        locked.resolved_by = actor
        locked.note = note[:300]
        locked.save()
        audit_record(
            actor=actor,
            action="payments.refund.refunded",
            obj=locked,
            before={"status": Refund.Status.OPEN},
            after={"status": locked.status, "note": locked.note, "amount": locked.amount},
        )
    return locked


def callback_nonces_prune(*, now=None) -> int:
    """Forget nonces older than twice the timestamp window: their callbacks are refused as stale."""
    now = now or timezone.now()
    tolerance = getattr(settings, "PORTAL_PAYMENT_CALLBACK_TOLERANCE_SECONDS", 300)
    deleted, _unused = CallbackNonce.objects.filter(received_at__lt=now - timedelta(seconds=2 * tolerance)).delete()
    return deleted


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


def _sign_receipt(payment: Payment, pdf: bytes) -> bytes:
    """Sign the e-receipt like a result (PAdES, with the stamp and its QR code to /verify/), by the
    agency that collects fees (PORTAL_RECEIPT_SIGNER_AGENCY, the Department of Finance by default)."""
    from core.agencies.models import Agency
    from core.signing.services import sign_pdf

    agency = Agency.objects.filter(code=getattr(settings, "PORTAL_RECEIPT_SIGNER_AGENCY", "so-tai-chinh")).first()
    if agency is None:
        logger.error("no receipt signer agency: receipt %s left unsigned", payment.receipt_number)
        return pdf
    signed = sign_pdf(
        pdf_bytes=pdf, title=f"Biên lai thu điện tử {payment.receipt_number}", signer_agency=agency, obj=payment
    )
    with signed.file.open("rb") as fh:
        return fh.read()


def payment_receipt_pdf(*, payment: Payment) -> bytes:
    """Issue the electronic receipt (PDF) of a paid payment: rendered, signed and kept once, so every
    download is the same document (idempotent: a kept receipt is returned as it is). Called when the
    payment is marked paid; the download page only reads it (selectors.payment_receipt_bytes).
    Raises PaymentError if the payment is not paid."""
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
        pdf = _sign_receipt(locked, pdf)
        locked.receipt_file.save(random_file_name("receipt.pdf"), ContentFile(pdf), save=False)
        locked.save(update_fields=["receipt_file"])
    payment.receipt_file = locked.receipt_file
    return pdf
