from celery import shared_task

from core.outbox.services import outbox_flush


@shared_task(acks_late=True, ignore_result=True)
def flush() -> int:
    """Beat job: send the tasks kept while the broker was unavailable."""
    return outbox_flush()
