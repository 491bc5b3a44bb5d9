"""Notifications: `notify` records what to send; the Celery task `deliver` sends it after commit.

Delivery is at-least-once with the database as the source of truth: a notification stays
`pending` until a backend accepted it; the beat job `requeue_stale` re-enqueues the ones whose
message was lost (worker killed, Redis restarted). Notification rows are their own delivery log
(attempts, last error, sent time), so deliveries are not copied into the audit log.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.notifications.backends import DeliveryError, get_backend
from core.notifications.models import Notification

logger = logging.getLogger(__name__)

CHANNELS = ("email", "sms")
MAX_ATTEMPTS = 6


def _address(channel: str, *, user, email: str, phone: str) -> str:
    if channel == "email":
        return (email or (getattr(user, "email", "") if user is not None else "")).strip()
    return (phone or (getattr(user, "phone", "") if user is not None else "")).strip()


def notify(
    *,
    event: str,
    subject: str,
    body: str,
    user=None,
    email: str = "",
    phone: str = "",
    channels: tuple[str, ...] = ("email", "sms"),
    dedupe_key: str = "",
    sms_body: str = "",
) -> list[Notification]:
    """Record one Notification per channel that has an address (explicit `email`/`phone` win over
    the user's own) and enqueue its delivery when the caller's transaction commits.

    With a `dedupe_key`, a channel already recorded under that key is not recorded nor sent again:
    the existing row is returned instead. Unknown channels raise ValueError."""
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown channels: {sorted(unknown)}")
    recorded: list[Notification] = []
    with transaction.atomic():
        for channel in dict.fromkeys(channels):
            address = _address(channel, user=user, email=email, phone=phone)
            if not address:
                continue
            if dedupe_key:
                existing = Notification.objects.filter(dedupe_key=dedupe_key, channel=channel).first()
                if existing is not None:
                    recorded.append(existing)
                    continue
            try:
                # A savepoint, so a concurrent notify() with the same key loses cleanly.
                with transaction.atomic():
                    notification = Notification.objects.create(
                        recipient=user if getattr(user, "pk", None) else None,
                        channel=channel,
                        address=address[:254],
                        subject=subject[:200],
                        # An SMS is paid per 70-character part: callers give it its own short text.
                        body=(sms_body or body) if channel == "sms" else body,
                        event=event[:100],
                        dedupe_key=dedupe_key[:200],
                    )
            except IntegrityError:
                if not dedupe_key:
                    raise
                recorded.append(Notification.objects.get(dedupe_key=dedupe_key[:200], channel=channel))
                continue
            recorded.append(notification)
            transaction.on_commit(lambda pk=notification.pk: _enqueue(pk))
    return recorded


def _enqueue(notification_id: int) -> None:
    from core.notifications.tasks import deliver

    try:
        deliver.delay(notification_id)
    except Exception:
        # The row stays pending; requeue_stale picks it up when the broker is back.
        logger.exception("could not enqueue notification %s", notification_id)


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # sent | failed | pending (retry) | skipped
    retry: bool = False
    attempts: int = 0


def notification_deliver(*, notification_id: int) -> DeliveryOutcome:
    """Send one notification through its channel backend, holding its row lock so two workers
    never send it twice. A sent or failed notification is left alone (idempotent). On a backend
    error the attempt is counted; after MAX_ATTEMPTS (or a permanent error) it becomes failed."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update(skip_locked=True).filter(pk=notification_id).first()
        if notification is None:
            # Missing, or another worker holds it right now: either way nothing to do here.
            return DeliveryOutcome("skipped")
        if notification.status != Notification.Status.PENDING:
            return DeliveryOutcome("skipped", attempts=notification.attempts)
        notification.attempts += 1
        notification.last_attempt_at = timezone.now()
        try:
            get_backend(notification.channel).send(notification)
        except Exception as exc:  # noqa: BLE001 - any backend failure is recorded, then retried or failed
            permanent = isinstance(exc, DeliveryError) and exc.permanent
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if permanent or notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
            notification.save(update_fields=["attempts", "last_attempt_at", "last_error", "status"])
            retry = notification.status == Notification.Status.PENDING
            return DeliveryOutcome(notification.status, retry=retry, attempts=notification.attempts)
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["attempts", "last_attempt_at", "last_error", "status", "sent_at"])
        return DeliveryOutcome("sent", attempts=notification.attempts)


def notifications_stale_pending_ids(*, older_than_minutes: int | None = None, limit: int = 1000) -> list[int]:
    """Pending notifications not attempted for a while: their message was probably lost."""
    minutes = older_than_minutes or getattr(settings, "PORTAL_NOTIFICATION_REQUEUE_AFTER_MINUTES", 10)
    cutoff = timezone.now() - timezone.timedelta(minutes=minutes)
    qs = Notification.objects.filter(status=Notification.Status.PENDING, created_at__lt=cutoff).exclude(
        last_attempt_at__gte=cutoff
    )
    return list(qs.order_by("created_at").values_list("pk", flat=True)[:limit])
