"""Background jobs of periodic reporting: each takes ids (or nothing), calls a service and is
idempotent — running it twice stores the same result."""

from celery import shared_task

from government.reporting import services


@shared_task(
    acks_late=True, soft_time_limit=240, time_limit=300, autoretry_for=(Exception,), retry_backoff=True, max_retries=5
)
def aggregate_period(period_id: int) -> dict | None:
    aggregate = services.aggregate_compute(period_id=period_id)
    return None if aggregate is None else {"period": period_id, "accepted": aggregate.reports_accepted}


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def lock_expired_periods() -> int:
    return len(services.periods_lock_expired())


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def ensure_periods() -> int:
    return services.periods_ensure()
