"""Fixed SELECTs of one model's rows, built once from the model's metadata, returned as model
instances — for the few statements every request or every border-gate decision runs.

Why: for such small statements the ORM spent more CPU building the query (and RawQuerySet
resolving its columns) than PostgreSQL spent running it (docs/benchmarks.md, border gate). The
instances are what the ORM builds: `Model.from_db` with the selected fields (others deferred) and
the same converters the ORM's compiler applies (backend's, then field's `from_db_value`).
Values are always parameters; only names from the model are interpolated."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model


@dataclass(frozen=True)
class Select:
    model: type[Model]
    sql: str
    attnames: tuple[str, ...]
    converters: tuple  # ((index, (converter, …), column expression), …)


def model_select(model: type[Model], field_names: Iterable[str] | None, where: str, suffix: str = "") -> Select:
    """`SELECT <fields> FROM <model's table> WHERE <where> <suffix>`; `field_names` None: every
    concrete field. `where` and `suffix` use %s placeholders and column names (quote them with
    `connection.ops.quote_name` when needed)."""
    wanted = None if field_names is None else {model._meta.get_field(n).attname for n in field_names}
    # Model.from_db takes the loaded values in the model's field order.
    fields = [f for f in model._meta.concrete_fields if wanted is None or f.attname in wanted]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    sql = f"SELECT {columns} FROM {qn(model._meta.db_table)} WHERE {where} {suffix}".rstrip()  # noqa: S608  # nosec B608: names from the model
    converters = []
    for i, f in enumerate(fields):
        col = f.get_col(model._meta.db_table)
        found = tuple(connection.ops.get_db_converters(col)) + tuple(col.get_db_converters(connection))
        if found:
            converters.append((i, found, col))
    return Select(model, sql, tuple(f.attname for f in fields), tuple(converters))


def fetch(select: Select, params: Sequence) -> list[Model]:
    with connection.cursor() as cursor:
        cursor.execute(select.sql, params)
        rows = cursor.fetchall()
    instances = []
    for row in rows:
        if select.converters:
            row = list(row)
            for i, found, col in select.converters:
                for convert in found:
                    row[i] = convert(row[i], col, connection)
        instances.append(select.model.from_db(connection.alias, select.attnames, row))
    return instances


@functools.cache
def _insert_sql(model: type[Model]) -> tuple[str, list]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {pk}", fields  # noqa: S608  # nosec B608: names from the model


def insert(row: Model) -> Model:
    """`row.save()` of a new row as one INSERT built once per model. Values go through the fields'
    own `pre_save` (defaults, auto_now_add) and `get_db_prep_save`, as with the ORM. No signals:
    only for models without receivers (the audit log, yard events)."""
    sql, fields = _insert_sql(type(row))
    params = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row.pk = cursor.fetchone()[0]
    row._state.adding = False
    row._state.db = connection.alias
    return row


@functools.cache
def _update_sql(model: type[Model], names: tuple[str, ...]) -> tuple[str, list]:
    fields = [model._meta.get_field(n) for n in names]
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    return f"UPDATE {table} SET {sets} WHERE {pk} = %s", fields  # noqa: S608  # nosec B608: names from the model


def update(obj: Model, names) -> None:
    """`obj.save(update_fields=names)` as one UPDATE built once per model and field list. `pre_save`
    applies `auto_now` as the ORM does. No signals: only for models without receivers."""
    sql, fields = _update_sql(type(obj), tuple(names))
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])
