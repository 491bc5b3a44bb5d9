"""Background jobs of the party agencies pillar (JSON arguments, idempotent)."""

import datetime as dt

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def remind_key_tasks(on: str | None = None) -> int:
    """Daily: remind owner agencies of tasks due soon, overdue, or whose progress report is overdue.
    Dedupe keys make a re-run harmless. `on` (ISO date) for tests and catch-up runs."""
    from party.services.tasks import key_task_reminders_send

    return key_task_reminders_send(on=dt.date.fromisoformat(on) if on else None)
