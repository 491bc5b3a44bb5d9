"""Celery tasks of the operations centre: thin, take ids, idempotent (the services guarantee it)."""

from celery import shared_task

from core.indicators import services


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=29 * 60)
def snapshot_run_execute(run_id: int) -> str:
    run = services.snapshot_run_execute(run_id=run_id)
    return run.status if run else "missing"


@shared_task(acks_late=True)
def snapshot_hourly() -> int:
    """Beat, a few minutes past every hour: the hour just ended, for frequency="hourly" indicators."""
    return services.snapshot_schedule(frequency="hourly").pk


@shared_task(acks_late=True)
def snapshot_nightly() -> int:
    """Beat, after midnight: the day just ended, for every other indicator."""
    return services.snapshot_schedule(frequency="daily").pk


@shared_task(acks_late=True)
def snapshot_live() -> int:
    """Beat, every few minutes: a provisional point of the current hour for hourly indicators, so the
    live border panel moves without anybody clicking refresh."""
    return services.snapshot_live_refresh().pk


@shared_task(acks_late=True)
def snapshot_recover() -> list[int]:
    """Beat: re-enqueue runs whose message was lost or whose worker died."""
    return services.snapshot_runs_recover()
