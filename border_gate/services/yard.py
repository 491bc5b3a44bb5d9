"""Yards and the queue: yard systems' in/out events, calling trucks out of the yard, and the boards'
figures."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from border_gate import locking
from border_gate.models import (
    Crossing,
    Entry,
    EntryStep,
    StepDefinition,
    Yard,
    YardEvent,
)
from border_gate.scope import officer_scope
from border_gate.services.common import TransitionError, enqueue_queue_recompute, label_of, require_scope
from border_gate.services.transitions import pass_locked, yard_event_write
from core.audit.services import audit_record
from core.errors import InvalidInputError


def yard_event_record(
    *,
    entry: Entry,
    yard: Yard,
    kind: str,
    at: datetime.datetime | None = None,
    external_id: str = "",
    actor=None,
    actor_label: str = "",
) -> YardEvent:
    """A yard system reports a truck in or out. An "in" at the yard-entry step passes that step
    (the yard is authoritative); otherwise the location is recorded. Idempotent per external_id."""
    label = label_of(actor, actor_label)
    if kind not in YardEvent.Kind.values:
        raise InvalidInputError(errors={"kind": _("Sự kiện phải là “in” hoặc “out”.")})
    if yard.crossing_id != entry.crossing_id:
        raise InvalidInputError(errors={"yard": _("Bãi không thuộc cửa khẩu của lượt xe.")})
    if external_id:
        existing = YardEvent.objects.filter(yard=yard, external_id=external_id).first()
        if existing is not None:
            return existing
    at = at or timezone.now()
    with transaction.atomic():
        locked = locking.lock_entry(pk=entry.pk)
        steps = locking.lock_steps(locked.pk)
        current = next((s for s in steps if s.is_current), None)
        if (
            kind == YardEvent.Kind.IN
            and current is not None
            and current.step.data_kind == StepDefinition.DataKind.YARD
            and current.status != EntryStep.Status.HELD
        ):
            # The yard is authoritative: its "in" passes the yard-entry step, under the same locks and
            # in the same transaction as the event the pass writes.
            if actor is not None:
                require_scope(actor, current.step)
            pass_locked(
                locked,
                current,
                steps,
                actor=actor,
                label=label,
                data={"yard": yard.pk},
                take=False,
                external_id=external_id,
            )
            event = YardEvent.objects.filter(entry=locked, yard=yard, kind=YardEvent.Kind.IN).order_by("-pk").first()
            if external_id and not event.external_id:  # the truck was already recorded in this yard
                event.external_id = external_id
                event.save(update_fields=["external_id"])
            return event
        if not locked.is_open:
            # A truck that has crossed (or was turned back) is no longer in any yard: a late or forged
            # event must not put it back on a board or move it out of a yard it left long ago.
            raise TransitionError(_("Lượt xe đã kết thúc."))
        if kind == YardEvent.Kind.IN:
            locked.current_yard = yard
        elif locked.current_yard_id == yard.pk:
            locked.current_yard = None
        locked.save(update_fields=["current_yard", "updated_at"])
        event = yard_event_write(locked, yard_id=yard.pk, kind=kind, at=at, source=label, external_id=external_id)
        audit_record(
            actor=actor,
            action=f"border_gate.entry.yard_{kind}",
            obj=locked,
            after={"yard": yard.code, "at": at},
            actor_label=label,
        )
    return event


def queue_call_next(*, actor, crossing: Crossing, direction: str, count: int = 1) -> list[Entry]:
    """Call the next trucks waiting in the yard, in queue order (perishables first, then by
    arrival), among those ready for the barrier. Each called driver gets an SMS."""
    scope = officer_scope(actor)
    if scope is None or (scope.crossing is not None and scope.crossing.pk != crossing.pk):
        raise TransitionError(_("Bạn không điều hành bãi của cửa khẩu này."))
    if scope.force not in (None, "gate_board", "border_guard"):
        raise TransitionError(_("Chỉ Ban quản lý cửa khẩu và Biên phòng gọi xe."))
    count = max(1, min(int(count), 50))
    now = timezone.now()
    with transaction.atomic():
        entries = list(
            Entry.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                crossing=crossing,
                direction=direction,
                status=Entry.Status.IN_PROGRESS,
                called_at__isnull=True,
                current_step__step__requires_call=True,
            )
            .order_by("-perishable", "arrived_at", "pk")[:count]
        )
        for entry in entries:
            entry.called_at = now
            if entry.current_yard_id:
                yard_event_write(
                    entry, yard_id=entry.current_yard_id, kind=YardEvent.Kind.OUT, at=now, source=label_of(actor)
                )
                entry.current_yard = None
            entry.save(update_fields=["called_at", "current_yard", "updated_at"])
            audit_record(actor=actor, action="border_gate.entry.call", obj=entry, after={"called_at": now})
        ids = [e.pk for e in entries]
        if ids:
            from border_gate import tasks

            transaction.on_commit(lambda: [tasks.notify_called.delay(pk) for pk in ids])
            enqueue_queue_recompute(crossing.pk)
    return entries


def notify_called(*, entry_id: int) -> bool:
    """SMS the driver that their truck is called (once: the dedupe key makes a retry harmless)."""
    from core.notifications.services import notify

    entry = Entry.objects.filter(pk=entry_id, called_at__isnull=False).select_related("crossing", "vehicle").first()
    if entry is None or not entry.driver_phone:
        return False
    with translation.override(entry.driver_language):
        subject = _("Xe %(plate)s được gọi vào cửa khẩu") % {"plate": entry.vehicle.plate_display}
        body = _("Cửa khẩu số Lạng Sơn: xe %(plate)s (mã %(code)s) đã đến lượt. Mời di chuyển đến %(crossing)s.") % {
            "plate": entry.vehicle.plate_display,
            "code": entry.code,
            "crossing": entry.crossing.name,
        }
    notify(
        event="border_gate.entry.called",
        subject=subject,
        body=body,
        phone=entry.driver_phone,
        channels=("sms",),
        dedupe_key=f"border_gate.called.{entry.pk}",
    )
    return True


def queue_recompute(*, crossing_id: int) -> dict:
    """Cache the crossing's board figures (read by the live boards, the driver pages and the
    operations centre) so polling clients never rescan the queue. Idempotent."""
    from border_gate import selectors

    crossing = Crossing.objects.get(pk=crossing_id)
    board = selectors.board_compute(crossing)
    selectors.cache_store(selectors.board_cache_key(crossing.pk), board)
    # The public board (all crossings' counts) changes with any crossing's queue.
    selectors.cache_store(selectors.public_board_cache_key(), selectors.public_board_compute())
    return board
