"""Celery tasks of the border gate: each takes ids, calls one service and is idempotent."""

import datetime

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, ignore_result=True)
def recompute_queue(crossing_id: int) -> None:
    from border_gate import services

    services.queue_recompute(crossing_id=crossing_id)


@shared_task(acks_late=True, ignore_result=True)
def recompute_all_queues() -> None:
    """Beat: refresh every crossing's board (covers a lost message or a Redis restart)."""
    from border_gate import services
    from border_gate.models import Crossing

    for pk in Crossing.objects.filter(is_active=True).values_list("pk", flat=True):
        services.queue_recompute(crossing_id=pk)


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def notify_called(entry_id: int) -> None:
    from border_gate import services

    services.notify_called(entry_id=entry_id)


@shared_task(acks_late=True, ignore_result=True)
def expire_declarations() -> int:
    """Beat: expire declarations whose truck never arrived (one transaction per entry)."""
    from border_gate import services
    from border_gate.models import Entry

    cutoff = timezone.now() - services.EXPIRY_GRACE
    ids = Entry.objects.filter(status=Entry.Status.DECLARED, expected_arrival__lt=cutoff).values_list("pk", flat=True)
    return sum(services.entry_expire(entry_id=pk) for pk in list(ids[:5000]))


@shared_task(acks_late=True, ignore_result=True)
def release_stale_takes() -> int:
    from border_gate import services

    return services.release_stale_takes()


@shared_task(acks_late=True, ignore_result=True)
def daily_report(date: str | None = None) -> int:
    """Beat at 20:00 Asia/Ho_Chi_Minh: the day's report (re-running it replaces the day's figures)."""
    from border_gate import services

    day = datetime.date.fromisoformat(date) if date else timezone.localdate()
    return services.daily_report_generate(date=day).pk
