from celery import shared_task

from core.payments.services import payment_expire_stale


@shared_task(acks_late=True, ignore_result=True)
def expire_stale_payments() -> int:
    """Beat job: pending payments past their expiry become expired. Idempotent."""
    return payment_expire_stale()
