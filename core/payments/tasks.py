from celery import shared_task

from core.payments.services import callback_nonces_prune, payment_expire_stale


@shared_task(acks_late=True, ignore_result=True)
def expire_stale_payments() -> int:
    """Beat job: pending payments past their expiry become expired; callback nonces older than the
    timestamp window are forgotten. Idempotent."""
    callback_nonces_prune()
    return payment_expire_stale()
