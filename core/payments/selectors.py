from django.db.models import Model, QuerySet

from core.payments.models import Payment, Refund
from core.permissions import user_has_role
from core.users import roles


def payment_by_token(token: str) -> Payment | None:
    """The payment a link points to; the token is the capability (payer-less payments included)."""
    if not token or len(token) > 64:
        return None
    return Payment.objects.select_related("payer").filter(token=token).first()


def payments_for_object(obj: Model) -> QuerySet[Payment]:
    return Payment.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def payment_paid_for(payable: Model) -> Payment | None:
    """The payment that settled the payable object (at most one), if any."""
    return payments_for_object(payable).filter(status=Payment.Status.PAID).first()


def payment_pending_for(payable: Model) -> Payment | None:
    """The payable object's open, payable link (the newest pending one), if any."""
    return payments_for_object(payable).filter(status=Payment.Status.PENDING).order_by("-created_at", "-id").first()


def payment_settled_by_other(payment: Payment) -> bool:
    """Whether another payment already settled this payment's object."""
    return (
        Payment.objects.filter(object_type=payment.object_type, object_id=payment.object_id, status=Payment.Status.PAID)
        .exclude(pk=payment.pk)
        .exists()
    )


def refunds_for_finance(user, *, include_done: bool = False) -> QuerySet[Refund]:
    """Refunds the finance office handles (open ones first); nothing for anyone else."""
    if not user_has_role(user, roles.FINANCE_OFFICER):
        return Refund.objects.none()
    qs = Refund.objects.select_related("payment", "resolved_by")
    if not include_done:
        qs = qs.filter(status=Refund.Status.OPEN)
    return qs.order_by("status", "-created_at", "-id")


def refund_for_finance(user, pk: int) -> Refund | None:
    return refunds_for_finance(user, include_done=True).filter(pk=pk).first()


def payment_receipt_bytes(payment: Payment) -> bytes | None:
    """The kept e-receipt of a paid payment (issued when it was paid), or None while there is none."""
    if not payment.is_paid or not payment.receipt_file:
        return None
    with payment.receipt_file.open("rb") as fh:
        return fh.read()
