"""Background jobs of the government pillar (ids in, idempotent)."""

from celery import shared_task
from django.db.models import Q
from django.utils import timezone


@shared_task(acks_late=True, ignore_result=True)
def remind_overdue_dossiers() -> int:
    """Every working morning: tell each handling official (or, unassigned, nobody but the queue's
    counters) about open dossiers due today or overdue. One notification per dossier and day
    (dedupe key), so a re-run or a duplicate beat does no harm. Returns how many were recorded."""
    from core.notifications.services import notify
    from government.models import OPEN_STATUSES, Dossier
    from government.workdays import is_working_day

    today = timezone.localdate()
    if not is_working_day(today):
        return 0
    due = (
        Dossier.objects.filter(status__in=OPEN_STATUSES, due_date__lte=today, assignee__isnull=False)
        .exclude(Q(rescheduled_due_date__gt=today))
        .select_related("assignee", "procedure")
    )
    count = 0
    for dossier in due.iterator(chunk_size=500):
        late = dossier.due_date < today
        subject = ("Hồ sơ {code} đã quá hạn" if late else "Hồ sơ {code} đến hạn hôm nay").format(code=dossier.code)
        notify(
            event="government.dossier.due_reminder",
            subject=subject,
            body=f"{dossier.procedure.name}\nHẹn trả: {dossier.due_date:%d/%m/%Y}",
            user=dossier.assignee,
            channels=("email",),
            dedupe_key=f"government.dossier.{dossier.pk}.due.{today.isoformat()}",
        )
        count += 1
    return count


@shared_task(acks_late=True, ignore_result=True)
def notify_dossier_event(event_id: int) -> int:
    """Record the applicant's notification of one step of their dossier, after that step committed
    (enqueued by the step's service with transaction.on_commit). Idempotent: an event already
    notified records nothing. Returns how many notifications (channels) were recorded."""
    from government.services import dossier_event_notify

    return len(dossier_event_notify(event_id=event_id))


@shared_task(acks_late=True, ignore_result=True)
def requeue_dossier_notifications() -> int:
    """Beat job: re-enqueue the notifications the database says are still owed (a message lost
    between the commit and the worker: broker down, worker killed). Returns how many."""
    from government.selectors import dossier_events_awaiting_notification

    ids = dossier_events_awaiting_notification()
    for pk in ids:
        notify_dossier_event.delay(pk)
    return len(ids)
