"""The one path that moves a truck's entry through its steps and writes its rows: pass, hold and reject
on rows the caller has locked, the fee step's pass when paid online, and closing the entry.

Lock order, everywhere: Entry row first, then its EntryStep rows. Taking work locks only EntryStep
rows (SKIP LOCKED), so it can never deadlock with a decision."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from border_gate import locking
from border_gate.models import (
    Entry,
    EntryStep,
    StepDefinition,
    YardEvent,
)
from border_gate.services.common import TransitionError, enqueue_queue_recompute
from core import sql
from core.audit.services import audit_record
from core.errors import InvalidInputError
from core.payments.templatetags.vnd import vnd


def step_applies(step: StepDefinition, entry: Entry) -> bool:
    if step.condition == StepDefinition.Condition.PLANT:
        return entry.needs_plant_quarantine
    if step.condition == StepDefinition.Condition.ANIMAL:
        return entry.needs_animal_quarantine
    return True


# Statuses of a step nobody has decided yet: the current step is the first of them.
UNDECIDED = (EntryStep.Status.PENDING, EntryStep.Status.TAKEN, EntryStep.Status.HELD)
# The columns a transition writes, one list per model: every transition sends the same UPDATE, built
# once by core.sql (measured: `save(update_fields=…)` cost ~2 ms more web CPU per decision, ADR 0402).
STEP_FIELDS = ["status", "is_current", "taken_by", "taken_at", "decided_by", "decided_by_label", "decided_at"]
STEP_FIELDS += ["reason", "data"]
ENTRY_FIELDS = [
    "status",
    "arrived_at",
    "current_step",
    "current_yard",
    "fee_receipt_number",
    "fee_paid_at",
    "fee_paid_amount",
]
ENTRY_FIELDS += ["closed_at", "updated_at"]


def save_entry(entry: Entry) -> None:
    """Write what a transition may change on the entry (not the declaration's own fields)."""
    sql.update(entry, ENTRY_FIELDS)


def _point_at(entry: Entry, steps: list[EntryStep], current: EntryStep | None) -> EntryStep | None:
    """Make `current` the entry's only current step. The old flag is cleared before the new one is
    set, so the one-current-step constraint never sees two."""
    for s in steps:
        if s.is_current and s is not current:
            s.is_current = False
            sql.update(s, ["is_current"])
    if current is not None and not current.is_current:
        current.is_current = True
        sql.update(current, ["is_current"])
    entry.current_step = current
    return current


def set_current_step(entry: Entry, steps: list[EntryStep] | None = None) -> EntryStep | None:
    """Point the entry at its first undecided step (the only one anybody may act on). `steps`: the
    entry's steps in position order, locked by the caller; read and locked here when not given."""
    if steps is None:
        steps = list(entry.steps.select_for_update().order_by("position"))
    return _point_at(entry, steps, next((s for s in steps if s.status in UNDECIDED), None))


def yard_event_write(
    entry: Entry, *, yard_id: int, kind: str, at: datetime.datetime, source: str, external_id: str = ""
) -> YardEvent:
    """The one way a yard event row is written (decisions, closing, calling out, yard systems)."""
    return YardEvent.objects.create(
        yard_id=yard_id, entry=entry, kind=kind, at=at, source=source, external_id=external_id
    )


def close_entry(
    entry: Entry, status: str, *, now: datetime.datetime | None = None, steps: list[EntryStep] | None = None
) -> None:
    """Give the entry its final status: no current step, out of its yard. The caller saves the entry
    (`save_entry`). `steps`: the entry's locked steps when the caller has them."""
    now = now or timezone.now()
    entry.status = status
    entry.closed_at = now
    if steps is None:
        EntryStep.objects.filter(entry=entry, is_current=True).update(is_current=False)
        entry.current_step = None
    else:
        _point_at(entry, steps, None)
    if entry.current_yard_id:
        yard_event_write(entry, yard_id=entry.current_yard_id, kind=YardEvent.Kind.OUT, at=now, source="system")
        entry.current_yard = None


def record_decision(
    entry: Entry,
    es: EntryStep,
    steps: list[EntryStep],
    *,
    status: str,
    actor,
    label: str,
    now: datetime.datetime,
    data: dict | None = None,
    reason: str = "",
) -> EntryStep | None:
    """The one path that moves a truck on: record `status` (passed, held, rejected) on its current
    step `es` and write the entry's next state — held stays at the step, rejected closes the entry,
    passed moves to the next undecided step or, after the last one, closes it as crossed. `steps`
    are the entry's steps in position order, `es` among them, all locked by the caller with the
    entry (lock order: entry, then its steps). Returns the entry's current step afterwards."""
    es.status = status
    es.decided_by = actor
    es.decided_by_label = label
    es.decided_at = now
    es.is_current = status == EntryStep.Status.HELD
    if status == EntryStep.Status.PASSED:
        es.data = data or {}
    else:
        es.reason = reason[:300]
    if status == EntryStep.Status.HELD:
        es.taken_by = None  # back to the queue of the step's force, with its reason
    sql.update(es, STEP_FIELDS)
    current = None
    if status == EntryStep.Status.HELD:
        entry.status = Entry.Status.HELD
        current = es
    elif status == EntryStep.Status.REJECTED:
        close_entry(entry, Entry.Status.REJECTED, now=now, steps=steps)
    else:
        if entry.status in (Entry.Status.DECLARED, Entry.Status.HELD):
            entry.status = Entry.Status.IN_PROGRESS
        if entry.arrived_at is None:
            entry.arrived_at = now  # the first step is the arrival at the crossing
        current = set_current_step(entry, steps)
        if current is None:
            close_entry(entry, Entry.Status.CROSSED, now=now, steps=steps)
    save_entry(entry)
    return current


def _check_decidable(entry: Entry, es: EntryStep, actor, *, system: bool) -> None:
    if not entry.is_open:
        raise TransitionError(_("Lượt xe đã kết thúc."))
    if not es.is_current:
        raise TransitionError(_("Chưa đến bước này hoặc bước này đã xong: không được bỏ qua hay làm lại bước."))
    if system:
        if es.status not in UNDECIDED:
            raise TransitionError(_("Bước này không còn chờ xử lý."))
        return
    if es.status != EntryStep.Status.TAKEN or es.taken_by_id != getattr(actor, "pk", None):
        raise TransitionError(_("Nhận lượt xe này trước khi ghi quyết định."))


def _take_for_decision(entry: Entry, es: EntryStep, officer) -> bool:
    """`take=True`: the officer decides straight from the entry page, taking the step in the same
    transaction, under the entry and step row locks, with the checks of `step_take`. A step another
    officer holds is refused as before, and two officers deciding at once are serialised by the
    entry lock: the second finds the step decided. Returns True when the step was taken here (the
    take is then part of the decision's audit row, as nobody could see it in between)."""
    if es.status == EntryStep.Status.TAKEN:
        if es.taken_by_id != officer.pk:
            raise TransitionError(_("Một cán bộ khác đang xử lý lượt xe này."))
        return False
    if not es.is_current or es.status not in (EntryStep.Status.PENDING, EntryStep.Status.HELD) or not entry.is_open:
        return False  # refused by _check_decidable with its own message
    if es.step.requires_call and entry.called_at is None:
        raise TransitionError(_("Xe chưa được gọi ra khỏi bãi."))
    es.status = EntryStep.Status.TAKEN
    es.taken_by = officer
    es.taken_at = timezone.now()
    return True


def _already(es: EntryStep, status: str, actor, label: str) -> bool:
    """The same decision submitted again by the same actor: nothing to do (double submit)."""
    return es.status == status and (
        (actor is not None and es.decided_by_id == getattr(actor, "pk", None))
        or (actor is None and es.decided_by_label == label)
    )


def pass_locked(
    entry: Entry,
    es: EntryStep,
    steps: list[EntryStep],
    *,
    actor,
    label: str,
    data: dict,
    take: bool,
    external_id: str = "",
) -> EntryStep:
    """`step_pass` on the rows locked by the caller (inside its transaction). `external_id`: the
    yard system's id of the event that passes the yard step."""
    system = actor is None
    if _already(es, EntryStep.Status.PASSED, actor, label):
        return es
    took = take and not system and _take_for_decision(entry, es, actor)
    _check_decidable(entry, es, actor, system=system)
    now = timezone.now()
    recorded = _step_data(entry, es, data, now=now, label=label, external_id=external_id)
    before_status = entry.status
    nxt = record_decision(
        entry, es, steps, status=EntryStep.Status.PASSED, actor=actor, label=label, now=now, data=recorded
    )
    after = {
        "status": entry.status,
        "step": es.step.code,
        "decision": "pass",
        "data": recorded,
        "next_step": nxt.step.code if nxt else None,
    }
    verb = "cross" if nxt is None else "pass"
    _audit_decision(entry, es, verb, actor=actor, label=label, before_status=before_status, after=after, took=took)
    if nxt is not None and nxt.step.data_kind == StepDefinition.DataKind.RECEIPT and entry.fee_settled:
        auto_pass_fee(entry, nxt, steps)
    if entry.status == Entry.Status.CROSSED or es.step.data_kind == StepDefinition.DataKind.YARD:
        enqueue_queue_recompute(entry.crossing_id)
    return es


def _step_data(entry: Entry, es: EntryStep, data: dict, *, now, label: str, external_id: str = "") -> dict:
    kind = es.step.data_kind
    out = {k: val for k, val in data.items() if k == "note" and val}
    if kind == StepDefinition.DataKind.YARD:
        # The yard row lock serialises entries into one yard, so its capacity holds.
        yard = locking.lock_yard(data.get("yard"), entry.crossing_id)
        if yard is None:
            raise InvalidInputError(errors={"yard": _("Chọn bãi của cửa khẩu này.")})
        if entry.current_yard_id != yard.pk:
            inside = locking.yard_occupancy(yard.pk)
            if inside >= yard.capacity:
                raise InvalidInputError(
                    errors={
                        "yard": _("Bãi %(yard)s đã đầy (%(n)d/%(cap)d xe).")
                        % {"yard": yard.name, "n": inside, "cap": yard.capacity}
                    }
                )
            yard_event_write(
                entry, yard_id=yard.pk, kind=YardEvent.Kind.IN, at=now, source=label, external_id=external_id
            )
            entry.current_yard = yard
        out["yard"] = yard.code
    elif kind == StepDefinition.DataKind.CERTIFICATE:
        number = (data.get("certificate_number") or "").strip()
        if not number:
            raise InvalidInputError(errors={"certificate_number": _("Nhập số giấy chứng nhận kiểm dịch.")})
        out["certificate_number"] = number[:64]
    elif kind == StepDefinition.DataKind.LANE:
        if not entry.lane:
            raise InvalidInputError(errors={"lane": _("Phân luồng tờ khai trước khi cho qua.")})
        out["lane"] = entry.lane
        if entry.inspection_required:
            result = (data.get("inspection_result") or "").strip()
            if not result:
                raise InvalidInputError(
                    errors={"inspection_result": _("Xe phải kiểm tra thực tế: ghi kết quả kiểm tra.")}
                )
            out["inspection_result"] = result[:300]
            out["random"] = entry.inspection_random
    elif kind == StepDefinition.DataKind.RECEIPT:
        receipt = (data.get("receipt_number") or "").strip()
        if not entry.fee_settled:
            # Not paid, or paid online before a correction raised the fee: the counter collects what
            # is missing and its receipt settles the fee now due.
            if not receipt:
                if entry.fee_paid_at is None:
                    message = _("Phí chưa thanh toán trực tuyến: nhập số biên lai thu phí.")
                else:
                    message = _(
                        "Đã nộp %(paid)s, phí hiện tại %(due)s: thu phần còn thiếu %(diff)s và nhập số biên lai."
                    ) % {
                        "paid": vnd(entry.fee_paid_amount or 0),
                        "due": vnd(entry.fee_amount or 0),
                        "diff": vnd((entry.fee_amount or 0) - (entry.fee_paid_amount or 0)),
                    }
                raise InvalidInputError(errors={"receipt_number": message})
            entry.fee_receipt_number = receipt[:64]
            entry.fee_paid_at = now
            entry.fee_paid_amount = entry.fee_amount
        out["receipt_number"] = entry.fee_receipt_number
        out["amount"] = entry.fee_amount
    return out


def _audit_decision(
    entry: Entry, es: EntryStep, verb: str, *, actor, label: str, before_status: str, after: dict, took: bool
) -> None:
    """The decision's audit row; `took`: the step was taken by the same transaction."""
    if took:
        after["taken"] = True
    audit_record(
        actor=actor,
        action=f"border_gate.entry.{verb}",
        obj=entry,
        before={"status": before_status, "step": es.step.code},
        after=after,
        actor_label=label,
    )


def hold_locked(
    entry: Entry, es: EntryStep, steps: list[EntryStep], *, actor, label: str, reason: str, take: bool
) -> EntryStep:
    """`step_hold` on the rows locked by the caller (inside its transaction)."""
    system = actor is None
    if _already(es, EntryStep.Status.HELD, actor, label) and es.reason == reason[:300]:
        return es
    took = take and not system and _take_for_decision(entry, es, actor)
    _check_decidable(entry, es, actor, system=system)
    before = entry.status
    record_decision(
        entry, es, steps, status=EntryStep.Status.HELD, actor=actor, label=label, now=timezone.now(), reason=reason
    )
    after = {"status": entry.status, "step": es.step.code, "decision": "hold", "reason": es.reason}
    _audit_decision(entry, es, "hold", actor=actor, label=label, before_status=before, after=after, took=took)
    return es


def reject_locked(
    entry: Entry, es: EntryStep, steps: list[EntryStep], *, actor, label: str, reason: str, take: bool
) -> EntryStep:
    """`step_reject` on the rows locked by the caller (inside its transaction)."""
    system = actor is None
    if _already(es, EntryStep.Status.REJECTED, actor, label):
        return es
    took = take and not system and _take_for_decision(entry, es, actor)
    _check_decidable(entry, es, actor, system=system)
    before = entry.status
    record_decision(
        entry, es, steps, status=EntryStep.Status.REJECTED, actor=actor, label=label, now=timezone.now(), reason=reason
    )
    after = {"status": entry.status, "step": es.step.code, "decision": "reject", "reason": es.reason}
    _audit_decision(entry, es, "reject", actor=actor, label=label, before_status=before, after=after, took=took)
    enqueue_queue_recompute(entry.crossing_id)
    return es


def auto_pass_fee(entry: Entry, es: EntryStep, steps: list[EntryStep]) -> None:
    """The fee step passes by itself when the fee is already paid online (on the rows the caller
    locked, in its transaction)."""
    data = {"receipt_number": entry.fee_receipt_number, "amount": entry.fee_amount, "online": True}
    nxt = record_decision(
        entry, es, steps, status=EntryStep.Status.PASSED, actor=None, label="payments", now=timezone.now(), data=data
    )
    audit_record(
        actor=None,
        action="border_gate.entry.pass",
        obj=entry,
        after={"step": es.step.code, "decision": "pass", "data": es.data, "next_step": nxt.step.code if nxt else None},
        actor_label="payments",
    )
