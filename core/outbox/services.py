"""Tasks whose hand-over to the broker failed are kept in the database and sent when it is back.

Every task of the portal goes through `PortalTask.apply_async` (lang_son_portal/celery.py makes it
the app's task class). When Redis is stopped or unreachable, the publish fails fast (short socket
timeouts, one retry) and the task is recorded as an `OutboxMessage` instead of raising: a state
change that has committed is never turned into a 500 by the enqueue that follows it. After a
failure the broker is not tried again for BROKER_BACKOFF seconds, so an outage costs requests no
time. `outbox_flush` (a beat job, and the first successful publish after an outage) sends what is
pending; tasks are idempotent, so a message sent twice does no harm."""

import logging
import threading
import time

from celery import Task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

BROKER_BACKOFF = 5.0  # seconds without trying the broker after a failed publish
FLUSH_BATCH = 500
KEPT_OPTIONS = ("queue", "priority", "routing_key", "exchange")


class _Broker:
    lock = threading.Lock()
    retry_at = 0.0
    # Off in the beat process: a periodic task that could not be sent is sent again at its next tick.
    recording = True


def _broker_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, ConnectionError)


def outbox_record(task_name: str, args, kwargs, options: dict, error: BaseException | None = None) -> int:
    """Store one task for a later send; returns the row id."""
    from core.outbox.models import OutboxMessage

    kept = {k: v for k, v in options.items() if k in KEPT_OPTIONS and v is not None}
    row = OutboxMessage.objects.create(
        task_name=task_name,
        args=list(args or ()),
        kwargs=dict(kwargs or {}),
        options=kept,
        last_error=type(error).__name__ if error else "broker unavailable",
    )
    logger.warning("broker unavailable: task %s kept in the outbox (#%s)", task_name, row.pk)
    return row.pk


class PortalTask(Task):
    """Celery's Task whose publish never raises a broker outage at the caller (see module doc)."""

    def apply_async(self, args=None, kwargs=None, **options):
        if self.app.conf.task_always_eager or not _Broker.recording:
            return super().apply_async(args, kwargs, **options)
        if time.monotonic() < _Broker.retry_at:
            outbox_record(self.name, args, kwargs, options)
            return None
        try:
            result = super().apply_async(args, kwargs, **options)
        except _broker_errors() as exc:
            with _Broker.lock:
                _Broker.retry_at = time.monotonic() + BROKER_BACKOFF
            outbox_record(self.name, args, kwargs, options, exc)
            return None
        if _Broker.retry_at:
            with _Broker.lock:
                _Broker.retry_at = 0.0
        return result


def outbox_flush(*, limit: int = FLUSH_BATCH) -> int:
    """Send pending messages, oldest first, each row locked (SKIP LOCKED: two flushes never send
    the same row at once) and marked sent in the same transaction. Stops at the first failure (the
    broker is still down). Returns the number sent."""
    from core.outbox.models import OutboxMessage
    from lang_son_portal.celery import app

    sent = 0
    while sent < limit:
        with transaction.atomic():
            rows = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True)
                .order_by("id")[: min(100, limit - sent)]
            )
            if not rows:
                return sent
            for row in rows:
                try:
                    app.send_task(row.task_name, args=row.args, kwargs=row.kwargs, **row.options)
                except _broker_errors() as exc:
                    OutboxMessage.objects.filter(pk=row.pk).update(
                        attempts=row.attempts + 1, last_error=type(exc).__name__
                    )
                    return sent
                row.sent_at, row.attempts = timezone.now(), row.attempts + 1
                row.save(update_fields=["sent_at", "attempts"])
                sent += 1
    return sent
