"""The decision path's row locks (entry, its steps, the yard) and the yard's occupancy, in SQL built
once from the models' metadata (core.sql); its writes use core.sql's `update` and `insert`.

Why not the ORM here: an officer's decision is the border gate's hottest write (the peak-day
replay is 40,000 of them) and, measured, the ORM spent more CPU building its queries and model
instances than PostgreSQL spent running them (docs/benchmarks.md, border gate). The statements
are the ones the ORM sent: same columns, same locks (`FOR UPDATE` of the entry, then of its
steps — the lock order of `border_gate/services/transitions.py`). Rows come back as ordinary model
instances (`Model.from_db`, the ORM's converters, deferred fields load on access). The step definitions, which are
configuration, come from a per-process copy (`step_definition`).
"""

from __future__ import annotations

import functools
import time

from django.db import connection

from border_gate.models import Entry, EntryStep, StepDefinition, Yard
from core import sql

# The entry columns a decision or a lane assignment reads or writes (of 43): loading and building
# the whole row was a third of a decision's CPU.
ENTRY_COLUMNS = (
    "id",
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


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def _entry_select(keys: tuple[str, ...]) -> sql.Select:
    where = " AND ".join(f"{_qn(Entry._meta.get_field(k).column)} = %s" for k in keys)
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
    return sql.model_select(EntryStep, None, f"{_qn('entry_id')} = %s", f"ORDER BY {_qn('position')} FOR UPDATE")


def lock_steps(entry_id: int) -> list[EntryStep]:
    """The entry's steps in position order, locked, each with its definition attached."""
    steps = sql.fetch(_steps_select(), [entry_id])
    for es in steps:
        es.step = step_definition(es.step_id)
    return steps


@functools.cache
def _yard_select() -> sql.Select:
    where = f"{_qn('id')} = %s AND {_qn('crossing_id')} = %s AND {_qn('is_active')}"
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
    query = f"SELECT count(*) FROM {_qn(Entry._meta.db_table)} WHERE {_qn('current_yard_id')} = %s"  # noqa: S608  # nosec B608: table and column names from the model, the id a parameter
    with connection.cursor() as cursor:
        cursor.execute(query, [yard_id])
        return cursor.fetchone()[0]


# -- step definitions, per process ---------------------------------------------------------------
# Configuration edited by administrators, read by every decision. Saving or deleting one clears
# this process's copy (signals, apps.py); other processes see the change within CACHE_SECONDS.
CACHE_SECONDS = 60.0
_definitions: dict[int, StepDefinition] = {}
_definitions_until = 0.0


def step_definition(step_id: int) -> StepDefinition:
    global _definitions_until
    now = time.monotonic()
    if now >= _definitions_until or step_id not in _definitions:
        _definitions.clear()
        _definitions.update((d.pk, d) for d in StepDefinition.objects.all())
        _definitions_until = now + CACHE_SECONDS
    return _definitions[step_id]


def clear_definitions(**_kwargs) -> None:
    global _definitions_until
    _definitions.clear()
    _definitions_until = 0.0
