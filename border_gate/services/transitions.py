"""The one path that moves a truck's entry through its steps and writes its rows: pass, hold and reject
on rows the caller has locked, the fee step's pass when paid online, and closing the entry.

Lock order, everywhere: Entry row first, then its EntryStep rows. Taking work locks only EntryStep
rows (SKIP LOCKED), so it can never deadlock with a decision."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
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


def step_applies(step: StepDefinition, entry: Entry) -> bool:
    if step.condition == StepDefinition.Condition.PLANT:
        return entry.needs_plant_quarantine
    if step.condition == StepDefinition.Condition.ANIMAL:
        return entry.needs_animal_quarantine
    return True


def set_current_step(entry: Entry) -> EntryStep | None:
    """Point the entry at its first undecided step (the only one anybody may act on)."""
    steps = list(entry.steps.select_for_update().order_by("position"))
    current = next((s for s in steps if s.status in (EntryStep.Status.PENDING, "taken", "held")), None)
    EntryStep.objects.filter(entry=entry, is_current=True).exclude(pk=getattr(current, "pk", None)).update(
        is_current=False
    )
    if current is not None and not current.is_current:
        EntryStep.objects.filter(pk=current.pk).update(is_current=True)
        current.is_current = True
    entry.current_step = current
    return current


def close_entry(
    entry: Entry, status: str, now: datetime.datetime | None = None, *, clear_current: bool = True, save: bool = True
) -> None:
    """Close the entry (final status). `clear_current=False` when the caller has already cleared
    the step it decided (the decisions do, to save a statement); `save=False` when the caller
    saves the entry itself."""
    now = now or timezone.now()
    entry.status = status
    entry.closed_at = now
    if clear_current:
        EntryStep.objects.filter(entry=entry, is_current=True).update(is_current=False)
    entry.current_step = None
    if entry.current_yard_id:
        sql.insert(YardEvent(yard_id=entry.current_yard_id, entry=entry, kind="out", at=now, source="system"))
        entry.current_yard = None
    if save:
        entry.save()


# Statuses of a step nobody has decided yet: the current step is the first of them.
_UNDECIDED = (EntryStep.Status.PENDING, "taken", EntryStep.Status.HELD)


# The entry fields `step_pass` may change (`_step_data`: yard, fee receipt; `close_entry`: the end).
_DECISION_ENTRY_FIELDS = [
    "status",
    "arrived_at",
    "current_step",
    "current_yard",
    "fee_receipt_number",
    "fee_paid_at",
    "closed_at",
    "updated_at",
]


def _check_decidable(entry: Entry, es: EntryStep, actor, *, system: bool) -> None:
    if not entry.is_open:
        raise TransitionError(_("Lượt xe đã kết thúc."))
    if not es.is_current:
        raise TransitionError(_("Chưa đến bước này hoặc bước này đã xong: không được bỏ qua hay làm lại bước."))
    if system:
        if es.status not in _UNDECIDED:
            raise TransitionError(_("Bước này không còn chờ xử lý."))
        return
    if es.status != "taken" or es.taken_by_id != getattr(actor, "pk", None):
        raise TransitionError(_("Nhận lượt xe này trước khi ghi quyết định."))


def _take_for_decision(entry: Entry, es: EntryStep, officer) -> bool:
    """`take=True`: the officer decides straight from the entry page, taking the step in the same
    transaction, under the entry and step row locks, with the checks of `step_take`. A step another
    officer holds is refused as before, and two officers deciding at once are serialised by the
    entry lock: the second finds the step decided. Returns True when the step was taken here (the
    take is then part of the decision's audit row, as nobody could see it in between)."""
    if es.status == "taken":
        if es.taken_by_id != officer.pk:
            raise TransitionError(_("Một cán bộ khác đang xử lý lượt xe này."))
        return False
    if not es.is_current or es.status not in (EntryStep.Status.PENDING, EntryStep.Status.HELD) or not entry.is_open:
        return False  # refused by _check_decidable with its own message
    if es.step.requires_call and entry.called_at is None:
        raise TransitionError(_("Xe chưa được gọi ra khỏi bãi."))
    es.status = "taken"
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
    entry: Entry, es: EntryStep, steps: list[EntryStep], *, actor, label: str, data: dict, take: bool
) -> EntryStep:
    """`step_pass` on the rows locked by the caller (inside its transaction)."""
    system = actor is None
    if _already(es, EntryStep.Status.PASSED, actor, label):
        return es
    implicit_take = take and not system and _take_for_decision(entry, es, actor)
    _check_decidable(entry, es, actor, system=system)
    now = timezone.now()
    recorded = _step_data(entry, es, data, now=now, label=label)
    es.status = EntryStep.Status.PASSED
    es.is_current = False
    es.decided_by = actor if not system else None
    es.decided_by_label = label
    es.decided_at = now
    es.data = recorded
    fields = ["status", "is_current", "decided_by", "decided_by_label", "decided_at", "data"]
    sql.update(es, [*fields, "taken_by", "taken_at"] if implicit_take else fields)
    before_status = entry.status
    if entry.status in (Entry.Status.DECLARED, Entry.Status.HELD):
        entry.status = Entry.Status.IN_PROGRESS
    if entry.arrived_at is None:
        entry.arrived_at = now  # the first step is the arrival at the crossing
    # The next current step: the first undecided one (the rule of `set_current_step`, applied to the
    # rows locked above; `es` was cleared first, so the one-current-step index never sees two).
    nxt = next((s for s in steps if s.status in _UNDECIDED), None)
    if nxt is not None:
        nxt.is_current = True
        sql.update(nxt, ["is_current"])
    entry.current_step = nxt
    verb = "pass"
    if nxt is None:
        close_entry(entry, Entry.Status.CROSSED, now=now, clear_current=False, save=False)
        verb = "cross"
    # Only what a decision can change (the full-row UPDATE of 43 columns cost more to build).
    sql.update(entry, _DECISION_ENTRY_FIELDS)
    after = {
        "status": entry.status,
        "step": es.step.code,
        "decision": "pass",
        "data": recorded,
        "next_step": nxt.step.code if nxt else None,
    }
    _audit_decision(
        entry, es, verb, actor=actor, label=label, before_status=before_status, after=after, took=implicit_take
    )
    if nxt is not None and nxt.step.data_kind == StepDefinition.DataKind.RECEIPT and entry.fee_paid_at:
        auto_pass_fee(entry, nxt)
    if entry.status == Entry.Status.CROSSED or es.step.data_kind == "yard":
        enqueue_queue_recompute(entry.crossing_id)
    return es


def _step_data(entry: Entry, es: EntryStep, data: dict, *, now, label: str) -> dict:
    kind = es.step.data_kind
    out = {k: val for k, val in data.items() if k == "note" and val}
    if kind == StepDefinition.DataKind.YARD:
        # The yard row lock serialises entries into one yard, so its capacity holds.
        yard = locking.lock_yard(data.get("yard"), entry.crossing_id)
        if yard is None:
            raise ValidationError({"yard": _("Chọn bãi của cửa khẩu này.")})
        if entry.current_yard_id != yard.pk:
            inside = locking.yard_occupancy(yard.pk)
            if inside >= yard.capacity:
                raise ValidationError(
                    {
                        "yard": _("Bãi %(yard)s đã đầy (%(n)d/%(cap)d xe).")
                        % {"yard": yard.name, "n": inside, "cap": yard.capacity}
                    }
                )
            sql.insert(YardEvent(yard=yard, entry=entry, kind="in", at=now, source=label))
            entry.current_yard = yard
        out["yard"] = yard.code
    elif kind == StepDefinition.DataKind.CERTIFICATE:
        number = (data.get("certificate_number") or "").strip()
        if not number:
            raise ValidationError({"certificate_number": _("Nhập số giấy chứng nhận kiểm dịch.")})
        out["certificate_number"] = number[:64]
    elif kind == StepDefinition.DataKind.LANE:
        if not entry.lane:
            raise ValidationError({"lane": _("Phân luồng tờ khai trước khi cho qua.")})
        out["lane"] = entry.lane
        if entry.inspection_required:
            result = (data.get("inspection_result") or "").strip()
            if not result:
                raise ValidationError({"inspection_result": _("Xe phải kiểm tra thực tế: ghi kết quả kiểm tra.")})
            out["inspection_result"] = result[:300]
            out["random"] = entry.inspection_random
    elif kind == StepDefinition.DataKind.RECEIPT:
        receipt = (data.get("receipt_number") or "").strip()
        if entry.fee_paid_at is None:
            if not receipt:
                raise ValidationError(
                    {"receipt_number": _("Phí chưa thanh toán trực tuyến: nhập số biên lai thu phí.")}
                )
            entry.fee_receipt_number = receipt[:64]
            entry.fee_paid_at = now
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


def hold_locked(entry: Entry, es: EntryStep, *, actor, label: str, reason: str, take: bool) -> EntryStep:
    """`step_hold` on the rows locked by the caller (inside its transaction)."""
    system = actor is None
    if _already(es, EntryStep.Status.HELD, actor, label) and es.reason == reason[:300]:
        return es
    implicit_take = take and not system and _take_for_decision(entry, es, actor)
    _check_decidable(entry, es, actor, system=system)
    es.status = EntryStep.Status.HELD
    es.reason = reason[:300]
    es.decided_by = actor if not system else None
    es.decided_by_label = label
    es.decided_at = timezone.now()
    es.taken_by = None
    es.save()
    before = entry.status
    entry.status = Entry.Status.HELD
    entry.save()
    after = {"status": "held", "step": es.step.code, "decision": "hold", "reason": es.reason}
    _audit_decision(entry, es, "hold", actor=actor, label=label, before_status=before, after=after, took=implicit_take)
    return es


def reject_locked(entry: Entry, es: EntryStep, *, actor, label: str, reason: str, take: bool) -> EntryStep:
    """`step_reject` on the rows locked by the caller (inside its transaction)."""
    system = actor is None
    if _already(es, EntryStep.Status.REJECTED, actor, label):
        return es
    implicit_take = take and not system and _take_for_decision(entry, es, actor)
    _check_decidable(entry, es, actor, system=system)
    es.status = EntryStep.Status.REJECTED
    es.is_current = False
    es.reason = reason[:300]
    es.decided_by = actor if not system else None
    es.decided_by_label = label
    es.decided_at = timezone.now()
    es.save()
    before = entry.status
    close_entry(entry, Entry.Status.REJECTED, now=es.decided_at, clear_current=False)
    after = {"status": "rejected", "step": es.step.code, "decision": "reject", "reason": es.reason}
    _audit_decision(
        entry, es, "reject", actor=actor, label=label, before_status=before, after=after, took=implicit_take
    )
    enqueue_queue_recompute(entry.crossing_id)
    return es


def auto_pass_fee(entry: Entry, es: EntryStep) -> None:
    """The fee step passes by itself when the fee is already paid online (within the caller's
    transaction and its locks)."""
    es = EntryStep.objects.select_for_update(of=("self",)).select_related("step").get(pk=es.pk)
    now = timezone.now()
    es.status = EntryStep.Status.PASSED
    es.decided_by = None
    es.decided_by_label = "payments"
    es.decided_at = now
    es.data = {"receipt_number": entry.fee_receipt_number, "amount": entry.fee_amount, "online": True}
    es.save()
    nxt = set_current_step(entry)
    if nxt is None:
        close_entry(entry, Entry.Status.CROSSED, now=now)
    else:
        entry.save()
    audit_record(
        actor=None,
        action="border_gate.entry.pass",
        obj=entry,
        after={"step": es.step.code, "decision": "pass", "data": es.data, "next_step": nxt.step.code if nxt else None},
        actor_label="payments",
    )
