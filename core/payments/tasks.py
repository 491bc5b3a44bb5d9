from celery import shared_task

from core.payments.services import callback_nonces_prune, payment_expire_stale, payment_receipt_pdf


@shared_task(acks_late=True, ignore_result=True)
def expire_stale_payments() -> int:
    """Beat job: pending payments past their expiry become expired; callback nonces older than the
    timestamp window are forgotten. Idempotent."""
    callback_nonces_prune()
    return payment_expire_stale()


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def issue_receipt(payment_id: int) -> None:
    """Issue the e-receipt of a paid payment that could not be issued with the payment. Idempotent:
    a receipt already kept is left as it is."""
    from core.payments.models import Payment

    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is not None and payment.is_paid and not payment.receipt_file:
        payment_receipt_pdf(payment=payment)
