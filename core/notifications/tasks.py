from celery import shared_task

from core.notifications.services import notification_deliver, notifications_stale_pending_ids

# Backoff between attempts (seconds): 30 s, 2 min, then 5 min. Kept below the Redis visibility
# timeout (10 min, settings): a longer ETA would make Redis redeliver the task (STACK-NOTES).
BACKOFF = (30, 120, 300, 300, 300)


@shared_task(acks_late=True, bind=True, max_retries=len(BACKOFF), ignore_result=True)
def deliver(self, notification_id: int) -> str:
    """Send one notification. Idempotent: a sent or failed one is left alone."""
    outcome = notification_deliver(notification_id=notification_id)
    if outcome.retry and self.request.retries < self.max_retries:
        raise self.retry(countdown=BACKOFF[min(self.request.retries, len(BACKOFF) - 1)])
    return outcome.status


@shared_task(acks_late=True, ignore_result=True)
def requeue_stale() -> int:
    """Beat job: re-enqueue notifications the database says are still pending (lost messages)."""
    ids = notifications_stale_pending_ids()
    for pk in ids:
        deliver.delay(pk)
    return len(ids)
