"""The officers' pipeline: take and release work, decide (pass, hold, reject) and record the customs
lane. Each public function is one transaction that locks the entry, then its steps."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from border_gate import locking
from border_gate.models import (
    Crossing,
    Entry,
    EntryStep,
    StepDefinition,
)
from border_gate.scope import officer_scope
from border_gate.services.common import TransitionError, label_of, officer_lookup, require_scope
from border_gate.services.transitions import hold_locked, pass_locked, reject_locked
from core import sql
from core.audit.services import audit_record
from core.errors import InvalidInputError, NotFoundError

# A taken step nobody decided goes back to the queue after this long (officer walked away).
TAKE_TIMEOUT = datetime.timedelta(minutes=30)


def _takeable(qs):
    return qs.filter(
        status=EntryStep.Status.PENDING,
        is_current=True,
        entry__status__in=[Entry.Status.DECLARED, Entry.Status.IN_PROGRESS, Entry.Status.HELD],
    ).filter(Q(step__requires_call=False) | Q(entry__called_at__isnull=False))


def step_take_next(*, officer, step: StepDefinition | None = None) -> EntryStep | None:
    """Give the officer the next entry waiting at their step(s): perishables first, then by arrival.
    SELECT … FOR UPDATE SKIP LOCKED: two officers never receive the same entry. Returns None when
    the queue is empty. An officer holding a taken step gets that one back first."""
    scope = officer_scope(officer)
    if scope is None:
        raise TransitionError(_("Bạn không thuộc lực lượng nào tại cửa khẩu."))
    steps = scope.steps()
    if step is not None:
        require_scope(officer, step)
        steps = steps.filter(pk=step.pk)
    step_ids = list(steps.values_list("pk", flat=True))
    with transaction.atomic():
        mine = EntryStep.objects.filter(step_id__in=step_ids, status=EntryStep.Status.TAKEN, taken_by=officer).order_by(
            "taken_at"
        )
        existing = mine.first()
        if existing is not None:
            return existing
        candidate = (
            _takeable(EntryStep.objects.filter(step_id__in=step_ids))
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("-entry__perishable", "entry__arrived_at", "entry__expected_arrival", "pk")
            .first()
        )
        if candidate is None:
            return None
        _mark_taken(candidate, officer)
    return candidate


def step_take(*, officer, entry_step: EntryStep) -> EntryStep:
    """Take one given entry (scanned QR or typed code/plate). Refused when another officer has it,
    when it is not the entry's current step, or not the officer's step."""
    require_scope(officer, entry_step.step)
    with transaction.atomic():
        es = (
            EntryStep.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("entry", "step")
            .filter(pk=entry_step.pk)
            .first()
        )
        if es is None:
            raise TransitionError(_("Một cán bộ khác đang xử lý lượt xe này."))
        if es.status == EntryStep.Status.TAKEN and es.taken_by_id == officer.pk:
            return es  # taking twice (double click) changes nothing
        if es.status == EntryStep.Status.TAKEN:
            raise TransitionError(_("Một cán bộ khác đang xử lý lượt xe này."))
        if not es.is_current or es.status not in (EntryStep.Status.PENDING, EntryStep.Status.HELD):
            raise TransitionError(_("Lượt xe chưa đến bước này hoặc đã qua bước này."))
        if not es.entry.is_open:
            raise TransitionError(_("Lượt xe đã kết thúc."))
        if es.step.requires_call and es.entry.called_at is None:
            raise TransitionError(_("Xe chưa được gọi ra khỏi bãi."))
        _mark_taken(es, officer)
    return es


def _mark_taken(es: EntryStep, officer) -> None:
    before = es.status
    es.status = EntryStep.Status.TAKEN
    es.taken_by = officer
    es.taken_at = timezone.now()
    es.save(update_fields=["status", "taken_by", "taken_at"])
    audit_record(
        actor=officer,
        action="border_gate.entry.take",
        object_type="border_gate.entry",
        object_id=es.entry_id,
        before={"step": es.step.code, "status": before},
        after={"step": es.step.code, "status": es.status},
    )


def step_release(*, officer, entry_step: EntryStep, timeout: bool = False) -> EntryStep:
    """Give a taken step back to the queue (or to the hold it came from)."""
    with transaction.atomic():
        es = EntryStep.objects.select_for_update(of=("self",)).select_related("step").get(pk=entry_step.pk)
        if es.status != EntryStep.Status.TAKEN or (officer is not None and es.taken_by_id != officer.pk):
            return es
        es.status = EntryStep.Status.HELD if es.reason else EntryStep.Status.PENDING
        es.taken_by = None
        es.taken_at = None
        es.save(update_fields=["status", "taken_by", "taken_at"])
        audit_record(
            actor=officer,
            action="border_gate.entry.release",
            object_type="border_gate.entry",
            object_id=es.entry_id,
            after={"step": es.step.code, "status": es.status, "timeout": timeout},
            actor_label="" if officer else "celery:border_gate.release_stale",
        )
    return es


def release_stale_takes(*, now: datetime.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - TAKE_TIMEOUT
    count = 0
    for es in EntryStep.objects.filter(status=EntryStep.Status.TAKEN, taken_at__lt=cutoff):
        step_release(officer=None, entry_step=es, timeout=True)
        count += 1
    return count


def _locked_steps(entry: Entry, entry_step_id: int) -> tuple[EntryStep, list[EntryStep]]:
    """All the entry's steps in position order, locked (the one lock order: entry, then its steps),
    with their definitions; and the one the decision is for. Moving the current step needs the
    whole pipeline anyway; reading it once under the lock replaces lock-the-step,
    re-read-all-steps and read-the-next-definition. Only the entry's step rows are locked: locking
    the step definitions too made every decision at one step wait for every other one."""
    steps = locking.lock_steps(entry.pk)
    es = next((s for s in steps if s.pk == entry_step_id), None)
    if es is None:
        raise NotFoundError(_("Bước này không thuộc lượt xe."))
    return es, steps


def _lock_for_decision(entry_step: EntryStep) -> tuple[Entry, EntryStep, list[EntryStep]]:
    """Lock the entry of `entry_step`, then all its steps (see `_locked_steps`)."""
    entry = locking.lock_entry(pk=entry_step.entry_id)
    try:
        es, steps = _locked_steps(entry, entry_step.pk)
    except NotFoundError as e:
        raise TransitionError(_("Bước này không thuộc lượt xe.")) from e
    return entry, es, steps


def step_decide(
    *,
    actor,
    code: str,
    entry_step_id: int,
    decision: str,
    data: dict | None = None,
    reason: str = "",
    take: bool = False,
) -> EntryStep:
    """An officer's decision (pass / hold / reject) posted from the entry page: the entry is found
    by its code within the officer's crossing and locked by the same statement, so a decision is
    one look-up, not a read followed by a locking re-read. Same rules, rows and audit as
    `step_pass` / `step_hold` / `step_reject`. Raises NotFoundError (not the officer's entry, or not
    its step), TransitionError, InvalidInputError."""
    if decision not in ("pass", "hold", "reject"):
        raise InvalidInputError(errors={"decision": _("Chọn quyết định.")})
    reason = (reason or "").strip()
    if decision != "pass" and not reason:
        raise InvalidInputError(errors={"reason": _("Nêu lý do tạm dừng hoặc từ chối.")})
    lookup = officer_lookup(actor, code)
    label = label_of(actor)
    with transaction.atomic():
        entry = locking.lock_entry(**lookup)
        if entry is None:
            raise NotFoundError  # no entry with this code at the officer's crossing
        es, steps = _locked_steps(entry, entry_step_id)
        require_scope(actor, es.step)
        if decision == "pass":
            return pass_locked(entry, es, steps, actor=actor, label=label, data=dict(data or {}), take=take)
        if decision == "hold":
            return hold_locked(entry, es, steps, actor=actor, label=label, reason=reason, take=take)
        return reject_locked(entry, es, steps, actor=actor, label=label, reason=reason, take=take)


def step_pass(
    *, actor, entry_step: EntryStep, data: dict | None = None, actor_label: str = "", take: bool = False
) -> EntryStep:
    """Record "pass" at the entry's current step, with the step's data (yard, certificate number,
    lane result, receipt). Moves the entry to its next applicable step, or to `crossed` after the
    last one. Officers must have taken the step, or pass `take=True` to take it in the same
    transaction; API systems (`actor=None`, `actor_label`) may pass a pending step directly.
    Side effects: a yard event at the yard step; a (coalesced) board refresh after the yard step or
    the crossing. Raises TransitionError / InvalidInputError."""
    if actor is not None:
        require_scope(actor, entry_step.step)
    with transaction.atomic():
        entry, es, steps = _lock_for_decision(entry_step)
        return pass_locked(
            entry, es, steps, actor=actor, label=label_of(actor, actor_label), data=dict(data or {}), take=take
        )


def step_hold(*, actor, entry_step: EntryStep, reason: str, actor_label: str = "", take: bool = False) -> EntryStep:
    """Hold the entry at this step with a reason (documents missing, sample taken …). The step
    stays current; an officer of the same force takes it again to pass or reject it later.
    `take=True`: take and hold in one transaction (see `step_pass`)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInputError(errors={"reason": _("Nêu lý do tạm dừng.")})
    if actor is not None:
        require_scope(actor, entry_step.step)
    with transaction.atomic():
        entry, es, steps = _lock_for_decision(entry_step)
        return hold_locked(entry, es, steps, actor=actor, label=label_of(actor, actor_label), reason=reason, take=take)


def step_reject(*, actor, entry_step: EntryStep, reason: str, actor_label: str = "", take: bool = False) -> EntryStep:
    """Refuse the truck at this step (it turns around): the entry is closed as rejected.
    `take=True`: take and reject in one transaction (see `step_pass`)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInputError(errors={"reason": _("Nêu lý do từ chối.")})
    if actor is not None:
        require_scope(actor, entry_step.step)
    with transaction.atomic():
        entry, es, steps = _lock_for_decision(entry_step)
        return reject_locked(
            entry, es, steps, actor=actor, label=label_of(actor, actor_label), reason=reason, take=take
        )


def customs_assign_lane(
    *,
    actor,
    lane: str,
    entry: Entry | None = None,
    code: str = "",
    actor_label: str = "",
    rand: Callable[[], float] = random.random,
) -> Entry:
    """Record the customs risk lane (officer or customs system). Red means physical inspection;
    green/yellow entries are drawn at random (the crossing's share) for inspection, once.
    Refused after the customs step is decided. The entry is given, or its `code` within the
    officer's crossing (the officer's form: found and locked by one statement; NotFoundError when
    it is not there)."""
    if lane not in Entry.Lane.values:
        raise InvalidInputError(errors={"lane": _("Luồng phải là xanh, vàng hoặc đỏ.")})
    label = label_of(actor, actor_label)
    lookup = {"pk": entry.pk} if entry is not None else officer_lookup(actor, code)
    with transaction.atomic():
        entry = locking.lock_entry(**lookup)
        if entry is None:
            raise NotFoundError  # no entry with this code at the officer's crossing
        if not entry.is_open:
            raise TransitionError(_("Lượt xe đã kết thúc."))
        # All the entry's steps are locked (the lock order of decisions), the customs one is read.
        customs = next(
            (s for s in locking.lock_steps(entry.pk) if s.step.data_kind == StepDefinition.DataKind.LANE), None
        )
        if customs is None:
            raise TransitionError(_("Quy trình của lượt xe không có bước hải quan."))
        if customs.status in (EntryStep.Status.PASSED, EntryStep.Status.REJECTED):
            raise TransitionError(_("Bước hải quan đã có quyết định: không phân luồng lại được."))
        if actor is not None:
            require_scope(actor, customs.step)
        before = {"lane": entry.lane, "inspection_required": entry.inspection_required}
        if entry.lane == lane:
            return entry  # the same lane posted twice changes nothing
        if not entry.lane and lane != Entry.Lane.RED:
            share = Crossing.objects.filter(pk=entry.crossing_id).values_list("random_inspection_share", flat=True)
            entry.inspection_random = rand() < share[0]
        entry.lane = lane
        entry.inspection_required = lane == Entry.Lane.RED or entry.inspection_random
        sql.update(entry, ["lane", "inspection_required", "inspection_random", "updated_at"])
        audit_record(
            actor=actor,
            action="border_gate.entry.lane",
            obj=entry,
            before=before,
            after={"lane": lane, "inspection_required": entry.inspection_required, "random": entry.inspection_random},
            actor_label=label,
        )
    return entry
