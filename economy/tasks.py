"""Celery tasks of the digital economy pillar: each takes ids or ISO dates, calls one service and is
idempotent (a reconciled day is left as it is)."""

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def reconcile_agent(agent_id: int, day: str) -> None:
    from economy.services.agents import reconcile_agent_day

    reconcile_agent_day(agent_id=agent_id, day=dt.date.fromisoformat(day))


@shared_task(acks_late=True, ignore_result=True)
def reconcile_agents(day: str | None = None) -> int:
    """Beat, after midnight: one reconciliation task per active agent for the day that just ended
    (or `day`). Running it twice enqueues tasks that find the day already reconciled."""
    from economy.models import SoftAtmAgent

    day = day or (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    ids = list(
        SoftAtmAgent.objects.filter(status=SoftAtmAgent.Status.ACTIVE, cash_account__isnull=False).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        reconcile_agent.delay(pk, day)
    return len(ids)
