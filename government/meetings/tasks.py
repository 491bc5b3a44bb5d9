"""Background jobs of meetings (idempotent)."""

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, ignore_result=True)
def remind_meetings() -> int:
    """Every afternoon: remind participants of tomorrow's meetings (once per person and meeting)."""
    from government.meetings.services import meetings_remind

    return meetings_remind(today=timezone.localdate())
