from django.db.models import Model, QuerySet

from core.payments.models import Payment


def payment_by_token(token: str) -> Payment | None:
    """The payment a link points to; the token is the capability (payer-less payments included)."""
    if not token or len(token) > 64:
        return None
    return Payment.objects.select_related("payer").filter(token=token).first()


def payments_for_object(obj: Model) -> QuerySet[Payment]:
    return Payment.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def payments_of_user(user) -> QuerySet[Payment]:
    if not getattr(user, "is_authenticated", False):
        return Payment.objects.none()
    return Payment.objects.filter(payer=user)
