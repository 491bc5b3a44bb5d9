"""The row locks of the border gate's state machine (entry, then its steps, then at the yard step the
yard) and the yard's occupancy, in SQL built once from the models' metadata (core.sql). Every
transition locks through these functions, in that one order, so two decisions, a lane, a payment and
a yard event on one truck queue instead of deadlocking.

Why not the ORM here: an officer's decision is the border gate's hottest write (the peak-day replay
is 40,000 of them); measured in issue 10, these locks instead of the ORM's spare ~2.6 ms of the
~11.4 ms of web CPU a decision costs through the ORM (docs/benchmarks.md). The statements are the
ones the ORM sends (same columns, `FOR UPDATE`); rows come back as ordinary model instances
(`Model.from_db`, the ORM's converters, deferred fields load on access). tests/core/test_sql.py
compares each with the ORM. The step definitions, which are configuration, come from a per-process
copy (`step_definition`).
"""

from __future__ import annotations

import functools
import time

from border_gate.models import Entry, EntryStep, StepDefinition, Yard
from core import sql

# The entry columns a decision or a lane assignment reads or writes (of 43): loading and building
# the whole row was a third of a decision's CPU.
ENTRY_COLUMNS = (
    "code",
    "crossing",
    "status",
    "current_step",
    "current_yard",
    "lane",
    "inspection_required",
    "inspection_random",
    "fee_amount",
    "fee_receipt_number",
    "fee_paid_at",
    "fee_paid_amount",
    "arrived_at",
    "called_at",
    "closed_at",
    "updated_at",
)


@functools.cache
def _entry_select(keys: tuple[str, ...]) -> sql.Select:
    where = " AND ".join(f"{sql.col(Entry, k)} = %s" for k in keys)
    return sql.model_select(Entry, ENTRY_COLUMNS, where, "FOR UPDATE")


def lock_entry(**lookup) -> Entry | None:
    """The entry matching `lookup` (any of pk / code / crossing_id, by equality), locked, with
    ENTRY_COLUMNS loaded (the others load on access); None when there is none."""
    if "pk" in lookup:
        lookup[Entry._meta.pk.name] = lookup.pop("pk")
    keys = tuple(sorted(lookup))
    return next(iter(sql.fetch(_entry_select(keys), [lookup[k] for k in keys])), None)


@functools.cache
def _steps_select() -> sql.Select:
    where, order = f"{sql.col(EntryStep, 'entry')} = %s", f"ORDER BY {sql.col(EntryStep, 'position')} FOR UPDATE"
    return sql.model_select(EntryStep, None, where, order)


def lock_steps(entry_id: int) -> list[EntryStep]:
    """The entry's steps in position order, locked, each with its definition attached."""
    steps = sql.fetch(_steps_select(), [entry_id])
    for es in steps:
        es.step = step_definition(es.step_id)
    return steps


@functools.cache
def _yard_select() -> sql.Select:
    where = f"{sql.col(Yard, 'id')} = %s AND {sql.col(Yard, 'crossing')} = %s AND {sql.col(Yard, 'is_active')}"
    return sql.model_select(Yard, None, where, "FOR UPDATE")


def lock_yard(yard_id, crossing_id: int) -> Yard | None:
    """The active yard of this crossing, locked: the lock serialises entries into one yard, so its
    capacity holds. None for a yard of another crossing, an inactive one or a wrong id."""
    try:
        yard_id = int(yard_id)
    except (TypeError, ValueError):
        return None
    return next(iter(sql.fetch(_yard_select(), [yard_id, crossing_id])), None)


def yard_occupancy(yard_id: int) -> int:
    """Entries inside the yard now (read under the yard's lock)."""
    return Entry.objects.filter(current_yard_id=yard_id).count()


# -- step definitions, per process ---------------------------------------------------------------
# Configuration edited by administrators, read by every decision. Saving or deleting one clears
# this process's copy (signals, apps.py); other processes see the change within CACHE_SECONDS.
# The copy is one immutable snapshot replaced whole (never a shared dict cleared and refilled), so
# a thread reading it while another refreshes it sees either the old or the new one.
CACHE_SECONDS = 60.0
_snapshot: tuple[float, dict[int, StepDefinition]] = (0.0, {})


def step_definition(step_id: int) -> StepDefinition:
    global _snapshot
    until, definitions = _snapshot
    now = time.monotonic()
    if now >= until or step_id not in definitions:
        definitions = {d.pk: d for d in StepDefinition.objects.all()}
        _snapshot = (now + CACHE_SECONDS, definitions)
    return definitions[step_id]


def clear_definitions(**_kwargs) -> None:
    global _snapshot
    _snapshot = (0.0, {})
