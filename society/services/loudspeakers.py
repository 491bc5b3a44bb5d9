"""The commune radio (loa truyền thanh xã): each commune's daily slots, set by its officials, and
the items approved broadcasts put into them.

An approved broadcast's loudspeaker delivery is handed to the loudspeaker system at once with
the slot it is to be read out in (`play_at`). When a commune changes its times, its items not yet
read out move to the first new slot: the new slot is written to the delivery (`scheduled_for`) in
the same transaction as the times, and `loudspeaker_sync` then tells the loudspeaker system, item
by item, recording each slot it confirmed (`provider_play_at`). The system is asked to move the
item it already holds (the backend's `reschedule`, by its schedule id) — never to add one — so an
item is never scheduled twice; a worker that dies between the system's answer and the commit
asks again with the same slot, which changes nothing (ADR 1404).
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import NotAllowedError, ServiceError
from core.geo.models import AdministrativeUnit
from core.notifications.backends import DeliveryError, get_backend
from core.permissions import user_has_role
from core.users import roles
from society.models import BroadcastDelivery, LoudspeakerSlots

logger = logging.getLogger(__name__)

# The commune radio's daily slots (local time) where a commune has set none (LoudspeakerSlots):
# announcements go into the commune's next slot after approval.
DEFAULT_LOUDSPEAKER_SLOTS = (dt.time(6, 0), dt.time(17, 0))
# What a commune may set: up to four slots a day, none in the night's rest hours.
MAX_LOUDSPEAKER_SLOTS = 4
LOUDSPEAKER_EARLIEST, LOUDSPEAKER_LATEST = dt.time(5, 0), dt.time(21, 0)
SYNC_BATCH = 100
# Items that may still move: not yet read out, and not given up on.
MOVABLE = (
    BroadcastDelivery.Status.PENDING,
    BroadcastDelivery.Status.SENDING,
    BroadcastDelivery.Status.SENT,
    BroadcastDelivery.Status.UNKNOWN,
)


def next_loudspeaker_slot(after: dt.datetime, slots=DEFAULT_LOUDSPEAKER_SLOTS) -> dt.datetime:
    """The first of a commune's daily `slots` strictly after `after` (aware, local time)."""
    local = timezone.localtime(after)
    for days in (0, 1):
        day = local.date() + dt.timedelta(days=days)
        for slot in sorted(slots or DEFAULT_LOUDSPEAKER_SLOTS):
            at = timezone.make_aware(dt.datetime.combine(day, slot))
            if at > local:
                return at
    raise AssertionError("unreachable: a slot exists every day")


def slot_field(index: int) -> str:
    """The form field (and error key) of a commune's index-th slot (0-based)."""
    return f"slot_{index + 1}"


def loudspeaker_slots_set(*, actor, commune, times: list[dt.time | None]) -> LoudspeakerSlots:
    """A commune official sets their commune's daily loudspeaker slots (empty entries are
    skipped; kept sorted). Every slot lies within LOUDSPEAKER_EARLIEST–LATEST, none twice, at least
    one, at most MAX_LOUDSPEAKER_SLOTS. Announcements approved afterwards go into these slots, and
    the commune's items not yet read out move to the first new slot from now (`_move_pending`,
    then `loudspeaker_sync` tells the loudspeaker system after commit). Unchanged slots write
    nothing; a change is audited `society.loudspeaker_slots.update` with before, after and the
    items moved.

    Raises NotAllowedError (not an official of that commune) or ServiceError with field errors."""
    if not (user_has_role(actor, roles.COMMUNE_OFFICIAL) and actor.admin_unit_id == commune.pk):
        raise NotAllowedError(_("Chỉ cán bộ của xã, phường đặt được giờ phát loa của xã mình."))
    errors: dict[str, list[str]] = {}
    seen: dict[dt.time, int] = {}
    for i, t in enumerate(times):
        if t is None:
            continue
        t = t.replace(second=0, microsecond=0)
        if not LOUDSPEAKER_EARLIEST <= t <= LOUDSPEAKER_LATEST:
            errors[slot_field(i)] = [
                _("Giờ phát từ %(start)s đến %(end)s.")
                % {"start": f"{LOUDSPEAKER_EARLIEST:%H:%M}", "end": f"{LOUDSPEAKER_LATEST:%H:%M}"}
            ]
        elif t in seen:
            errors[slot_field(i)] = [_("Trùng với giờ phát thứ %(n)s.") % {"n": seen[t] + 1}]
        else:
            seen[t] = i
    if not seen and not errors:
        errors[slot_field(0)] = [_("Cần ít nhất một giờ phát trong ngày.")]
    if len(seen) > MAX_LOUDSPEAKER_SLOTS:
        errors[slot_field(MAX_LOUDSPEAKER_SLOTS)] = [
            _("Tối đa %(n)s giờ phát một ngày.") % {"n": MAX_LOUDSPEAKER_SLOTS}
        ]
    if errors:
        raise ServiceError(_("Giờ phát chưa hợp lệ, chưa lưu gì."), errors=errors)
    wanted = sorted(seen)
    with transaction.atomic():
        row = LoudspeakerSlots.objects.select_for_update().filter(commune=commune).first()
        before = [f"{t:%H:%M}" for t in (row.times if row else DEFAULT_LOUDSPEAKER_SLOTS)]
        after = [f"{t:%H:%M}" for t in wanted]
        if row is not None and before == after:
            row.moved = 0
            return row
        if row is None:
            row = LoudspeakerSlots(commune=commune)
        row.times, row.updated_by = wanted, actor
        row.save()
        moved = _move_pending(commune, wanted)
        audit_record(
            actor=actor,
            action="society.loudspeaker_slots.update",
            obj=row,
            before={"times": before},
            after={"times": after, "moved": moved},
        )
        if moved:
            transaction.on_commit(lambda: _enqueue_sync(commune.pk))
    row.moved = len(moved)  # for the page's message
    return row


def _move_pending(commune, times) -> list[dict]:
    """Move the commune's loudspeaker items whose slot is still ahead to the first of the new
    `times` from now (in the caller's transaction, rows locked). Returns what moved."""
    now = timezone.now()
    slot = next_loudspeaker_slot(now, times)
    rows = list(
        BroadcastDelivery.objects.select_for_update()
        .filter(
            channel="loudspeaker",
            recipient_key=f"commune:{commune.code}",
            status__in=MOVABLE,
            scheduled_for__gt=now,
        )
        .exclude(scheduled_for=slot)
        .order_by("pk")
    )
    moved = [
        {"delivery": d.pk, "broadcast": d.broadcast_id, "from": d.scheduled_for.isoformat(), "to": slot.isoformat()}
        for d in rows
    ]
    BroadcastDelivery.objects.filter(pk__in=[d.pk for d in rows]).update(scheduled_for=slot)
    return moved


def _enqueue_sync(commune_id: int | None) -> None:
    from society.tasks import sync_loudspeakers

    try:
        sync_loudspeakers.delay(commune_id)
    except Exception:  # the beat job (recover_broadcasts) syncs every commune
        logger.exception("could not enqueue loudspeaker sync for commune %s", commune_id)


def _out_of_sync(commune_id: int | None):
    rows = BroadcastDelivery.objects.filter(
        channel="loudspeaker", status=BroadcastDelivery.Status.SENT, scheduled_for__isnull=False
    ).filter(Q(provider_play_at__isnull=True) | ~Q(provider_play_at=F("scheduled_for")))
    if commune_id is not None:
        code = AdministrativeUnit.objects.filter(pk=commune_id).values_list("code", flat=True).first()
        rows = rows.filter(recipient_key=f"commune:{code}")
    return rows


def loudspeaker_sync(*, commune_id: int | None = None) -> dict[str, int]:
    """Tell the loudspeaker system the slot of every item it holds whose slot changed (one
    commune's, or every commune's from the beat job). Rows are claimed with SKIP LOCKED and kept
    locked while the system answers, so two workers never move one item; the system moves the
    item it holds (`reschedule`), so asking twice leaves one item at the same slot. An item whose
    old slot has passed was read out then: its record says so and it is not moved. A refusal
    leaves the row for the next run. Returns how many were moved / found read out / refused."""
    result = {"moved": 0, "played": 0, "failed": 0}
    now = timezone.now()
    backend = None
    done: set[int] = set()
    while True:
        with transaction.atomic():
            batch = list(
                _out_of_sync(commune_id)
                .exclude(pk__in=done)
                .select_for_update(skip_locked=True)
                .order_by("pk")[:SYNC_BATCH]
            )
            if not batch:
                break
            moved, played = [], []
            for delivery in batch:
                done.add(delivery.pk)
                held = delivery.provider_play_at
                if held is not None and held <= now:
                    # The system read it out at its old slot before it could be moved.
                    BroadcastDelivery.objects.filter(pk=delivery.pk).update(scheduled_for=held)
                    played.append(delivery.pk)
                    continue
                backend = backend or get_backend("loudspeaker")
                try:
                    backend.reschedule(delivery, provider_id=delivery.provider_id, play_at=delivery.scheduled_for)
                except (DeliveryError, OSError) as exc:
                    logger.warning("loudspeaker item %s not moved: %s", delivery.pk, exc)
                    result["failed"] += 1
                    continue
                BroadcastDelivery.objects.filter(pk=delivery.pk).update(provider_play_at=delivery.scheduled_for)
                moved.append(delivery.pk)
            if moved or played:
                audit_record(
                    actor=None,
                    actor_label="system:loudspeakers",
                    action="society.loudspeaker.sync",
                    object_type="society.broadcastdelivery",
                    after={"moved": moved, "played_before_move": played},
                )
            result["moved"] += len(moved)
            result["played"] += len(played)
    return result
