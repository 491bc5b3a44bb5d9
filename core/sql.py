"""Fixed SELECTs and UPDATEs of one model's rows, built once from the model's metadata — only for the
statements measured hot: the border gate's decision path (its row locks and writes,
border_gate/locking.py and border_gate/services/transitions.py) and the session's user
(core/users/backends.py). Everything else uses the ORM (ADR 0402: when to revisit).

Why: for such small statements the ORM spent more CPU building the query and the model (or running
`save()`) than PostgreSQL spent running it: an officer's decision cost 11.4 ms of web CPU through the
ORM against 6.1–6.6 ms with these statements (docs/benchmarks.md, issue 10). The instances are what
the ORM builds: `Model.from_db` with the selected fields (others deferred) and the converters the
ORM's compiler applies (the backend's, then the field's `from_db_value`).

Guards: a model is refused (`UnsupportedModelError`) when these statements would not do what the ORM
does for it — it has save/init signal receivers, a generated or database-default field, or a primary
key that is not an automatic one. Table and column names come only from the model's metadata (`col`);
values are always parameters. The statement caches are filled once per key and never cleared, so
threads share them safely.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import Model
from django.db.models.signals import post_save, pre_save


class UnsupportedModelError(TypeError):
    """core.sql cannot stand in for the ORM on this model."""


def check_model(model: type[Model], *, writes: bool = False) -> None:
    """Refuse a model these statements cannot handle like the ORM. Called when a statement is built."""
    if not isinstance(model._meta.pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
        raise UnsupportedModelError(f"{model.__name__}: primary key is not automatic")
    for f in model._meta.concrete_fields:
        if isinstance(f, models.GeneratedField) or f.db_default is not models.NOT_PROVIDED:
            raise UnsupportedModelError(f"{model.__name__}.{f.name}: generated or database-default field")
    if writes and (pre_save.has_listeners(model) or post_save.has_listeners(model)):
        raise UnsupportedModelError(f"{model.__name__}: has save signal receivers (an UPDATE here sends none)")


def col(model: type[Model], name: str) -> str:
    """The quoted column of a model's field, from its metadata (for WHERE and ORDER BY clauses)."""
    return connection.ops.quote_name(model._meta.get_field(name).column)


@dataclass(frozen=True)
class Select:
    model: type[Model]
    sql: str
    attnames: tuple[str, ...]
    converters: tuple  # ((index, (converter, …), column expression), …)
    extra: tuple[str, ...] = ()  # attributes set from the `extra` expressions, after the fields


def model_select(
    model: type[Model],
    field_names: Iterable[str] | None,
    where: str,
    suffix: str = "",
    *,
    extra: dict[str, str] | None = None,
) -> Select:
    """`SELECT <fields> FROM <model's table> WHERE <where> <suffix>`; `field_names` None: every
    concrete field. `where` and `suffix` use %s placeholders and column names from `col()`.
    `extra` maps an attribute name to a SQL expression (e.g. a correlated subquery of a related
    table, names from `col()`) selected after the fields and set on each instance, like `annotate()`."""
    check_model(model)
    wanted = None if field_names is None else {model._meta.get_field(n).attname for n in field_names}
    wanted = None if wanted is None else wanted | {model._meta.pk.attname}
    # Model.from_db takes the loaded values in the model's field order.
    fields = [f for f in model._meta.concrete_fields if wanted is None or f.attname in wanted]
    qn = connection.ops.quote_name
    columns = ", ".join(
        [qn(f.column) for f in fields] + [f"{expression} AS {qn(name)}" for name, expression in (extra or {}).items()]
    )
    sql = f"SELECT {columns} FROM {qn(model._meta.db_table)} WHERE {where} {suffix}".rstrip()  # noqa: S608  # nosec B608: names from the model
    converters = []
    for i, f in enumerate(fields):
        column = f.get_col(model._meta.db_table)
        found = tuple(connection.ops.get_db_converters(column)) + tuple(column.get_db_converters(connection))
        if found:
            converters.append((i, found, column))
    return Select(model, sql, tuple(f.attname for f in fields), tuple(converters), tuple(extra or ()))


def fetch(select: Select, params: Sequence) -> list[Model]:
    with connection.cursor() as cursor:
        cursor.execute(select.sql, params)
        rows = cursor.fetchall()
    instances = []
    n = len(select.attnames)
    for row in rows:
        if select.converters:
            row = list(row)
            for i, found, column in select.converters:
                for convert in found:
                    row[i] = convert(row[i], column, connection)
        instance = select.model.from_db(connection.alias, select.attnames, row[:n] if select.extra else row)
        for name, value in zip(select.extra, row[n:], strict=True):
            setattr(instance, name, value)
        instances.append(instance)
    return instances


@functools.cache
def _update_sql(model: type[Model], names: tuple[str, ...]) -> tuple[str, list]:
    check_model(model, writes=True)
    fields = [model._meta.get_field(n) for n in names]
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    return f"UPDATE {table} SET {sets} WHERE {pk} = %s", fields  # noqa: S608  # nosec B608: names from the model


def update(obj: Model, names) -> None:
    """`obj.save(update_fields=names)` as one UPDATE built once per model and field list. `pre_save`
    applies `auto_now` as the ORM does. Sends no signals: refused for models with save receivers."""
    sql, fields = _update_sql(type(obj), tuple(names))
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])
