"""Background jobs of the machine clients: the call log's retention (beat, daily)."""

from celery import shared_task
from django.conf import settings

from core.api_clients import services


@shared_task(acks_late=True, soft_time_limit=1500, time_limit=1800)
def purge_calls() -> int:
    """Beat job: archive, then remove, call-log rows older than PORTAL_API_CALL_RETENTION_DAYS
    (idempotent: a second run finds nothing older)."""
    archive = settings.PORTAL_API_CALL_ARCHIVE_DIR if settings.PORTAL_API_CALL_ARCHIVE else None
    return services.calls_purge(older_than_days=settings.PORTAL_API_CALL_RETENTION_DAYS, archive_dir=archive)
