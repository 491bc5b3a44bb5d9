"""Background jobs of documents and direction (ids in, idempotent)."""

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, ignore_result=True)
def check_incoming_signature(document_id: int) -> bool:
    """Check the signatures of a document delivered on the portal (after the issuing commit).
    Idempotent: a document already checked is not checked again."""
    from government.documents.services import incoming_check_signature

    return incoming_check_signature(document_id=document_id) is not None


@shared_task(acks_late=True, ignore_result=True)
def check_unchecked_signatures() -> int:
    """Beat job: check the delivered documents whose check message was lost (broker down, worker
    killed). Returns how many were checked."""
    from government.documents.selectors import unchecked_deliveries
    from government.documents.services import incoming_check_signature

    ids = unchecked_deliveries(older_than_seconds=60)
    for pk in ids:
        incoming_check_signature(document_id=pk)
    return len(ids)


@shared_task(acks_late=True, ignore_result=True)
def send_reminders() -> int:
    """Every morning: remind assignees of tasks due tomorrow or overdue and handlers of overdue
    documents; once per item and day (dedupe keys), so a re-run sends nothing twice."""
    from government.documents.services import reminders_send

    return reminders_send(today=timezone.localdate())
