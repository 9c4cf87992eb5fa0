"""Plain SQL for the few statements every reservation runs.

Building and compiling an ORM query costs about ten times what PostgreSQL needs to answer it
(bench/README.md, docs/benchmarks.md); the booking path runs a handful of such reads per
request, so they are written out here once. Everything else uses the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeAlias, TypeVar, overload

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, ForeignObjectRel, Model

M = TypeVar("M", bound=Model)


def placeholders(count: int) -> str:
    """'%s, %s, %s' for an IN list of `count` values (at least one)."""
    return ", ".join(["%s"] * max(1, count))


def with_lists(query: str, **counts: int) -> str:
    """`query` with each `{name}` replaced by the placeholders of a list of counts[name] values."""
    for name, count in counts.items():
        query = query.replace("{" + name + "}", placeholders(count))
    return query


def db_value(value: Any) -> Any:
    """A datetime or date as the backend stores it (SQLite: text); anything else unchanged."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def datetime_read(value: Any) -> datetime | None:
    """A datetime column of a raw row, aware: SQLite gives UTC as text, PostgreSQL an aware
    datetime."""
    if value is None:
        return None
    moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def date_read(value: Any) -> date | None:
    """A date column of a raw row: PostgreSQL gives a date, SQLite its ISO text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def rows(sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [db_value(value) for value in params])
        found: list[tuple[Any, ...]] = cursor.fetchall()
        return found


_Fields: TypeAlias = "list[Field[Any, Any]]"  # Field is generic only in the stubs
_INSERTS: dict[tuple[type[Model], bool], tuple[str, _Fields]] = {}


def _column(field: Field[Any, Any] | ForeignObjectRel) -> str:
    column = getattr(field, "column", None)
    if not isinstance(column, str):  # a relation's reverse side or a field without a column
        raise ValueError(f"{field} has no column of its own")
    return column


def _insert_statement(model: type[Model], returning: bool, count: int) -> tuple[str, _Fields]:
    key = (model, returning)
    if key not in _INSERTS:
        meta = model._meta
        fields = [f for f in meta.concrete_fields if not (f.primary_key and f.auto_created)]
        quote = connection.ops.quote_name
        head = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(_column(f)) for f in fields)})"
        )
        _INSERTS[key] = (head, fields)
    head, fields = _INSERTS[key]
    row = f"({placeholders(len(fields))})"
    tail = f" RETURNING {connection.ops.quote_name(_column(model._meta.pk))}" if returning else ""
    return f"{head} VALUES {', '.join([row] * count)}{tail}", fields


# (model, unique field or "", condition or "") -> the single-row statement of `insert`
_SINGLE: dict[tuple[type[Model], str, str], tuple[str, _Fields]] = {}


def _single_insert(model: type[Model], unless_taken: str, condition: str) -> tuple[str, _Fields]:
    key = (model, unless_taken, condition)
    if key not in _SINGLE:
        query, fields = _insert_statement(model, True, 1)
        if unless_taken:
            column = connection.ops.quote_name(_column(model._meta.get_field(unless_taken)))
            head, returning = query.rsplit(" RETURNING ", 1)
            query = f"{head} ON CONFLICT ({column}) DO NOTHING RETURNING {returning}"
        if condition:
            head, rest = query.split(" VALUES (", 1)
            row, returning = rest.rsplit(") RETURNING ", 1)
            query = f"{head} SELECT {row} WHERE {condition} RETURNING {returning}"
        _SINGLE[key] = (query, fields)
    return _SINGLE[key]


def _values(instance: Model, fields: _Fields, database: Any) -> list[Any]:
    # what Model.save() sends: auto_now stamps set on the instance, then each field's conversion
    # (`database` is the wrapper itself: the `connection` proxy would look it up per field)
    return [field.get_db_prep_save(field.pre_save(instance, True), database) for field in fields]


@overload
def insert(instance: M) -> M: ...
@overload
def insert(instance: M, *, unless_taken: str) -> M | None: ...
@overload
def insert(instance: M, *, only_if: tuple[str, list[object]] | None) -> M | None: ...
def insert(
    instance: M,
    *,
    unless_taken: str | None = None,
    only_if: tuple[str, list[object]] | None = None,
) -> M | None:
    """INSERT one new model instance as `save()` would, without building an ORM query.

    Sets the primary key and returns the instance. No signals are sent (no model written this
    way has receivers). For the rows every reservation writes.

    `unless_taken` names a unique field: when its value exists already, nothing is written and
    None comes back (one statement instead of a check and an insert, and no race between them).
    `only_if` is an SQL condition with its parameters: while it is false, nothing is written and
    None comes back (`revision.revision_unchanged`).
    """
    if unless_taken and only_if:
        raise ValueError("unless_taken and only_if do not combine")
    database = connections[DEFAULT_DB_ALIAS]
    condition, parameters = only_if or ("", [])
    query, fields = _single_insert(type(instance), unless_taken or "", condition)
    values = _values(instance, fields, database)
    values += parameters
    with database.cursor() as cursor:
        cursor.execute(query, values)
        row = cursor.fetchone()
    if row is None:
        return None
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = database.alias
    return instance


def insert_or_increment(
    instance: Model, *, unique: str, counter: str, using: str = DEFAULT_DB_ALIAS
) -> int:
    """INSERT `instance`; when a row with its `unique` value exists already, add one to that
    row's `counter` instead. Returns the counter afterwards. One statement, so parallel callers
    are counted exactly (the rate limits' windows)."""
    database = connections[using]
    query, fields = _insert_statement(type(instance), False, 1)
    quote = database.ops.quote_name
    table = quote(instance._meta.db_table)
    key = quote(_column(instance._meta.get_field(unique)))
    count = quote(_column(instance._meta.get_field(counter)))
    query += f" ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}"
    values = [f.get_db_prep_save(f.pre_save(instance, True), database) for f in fields]
    with database.cursor() as cursor:
        cursor.execute(query, values)
        row = cursor.fetchone()
    return int(row[0])


def insert_many(instances: Sequence[Model]) -> None:
    """INSERT new instances of one model in one statement (their primary keys are not read)."""
    if not instances:
        return
    database = connections[DEFAULT_DB_ALIAS]
    query, fields = _insert_statement(type(instances[0]), False, len(instances))
    params = [value for instance in instances for value in _values(instance, fields, database)]
    with database.cursor() as cursor:
        cursor.execute(query, params)


def insert_batches(instances: Sequence[Model], *, returning: bool = False, size: int = 500) -> None:
    """INSERT many new instances of one model, `size` rows per statement (within every
    backend's parameter limit). With `returning` each instance gets its primary key, read
    back in the order of the rows as Django's `bulk_create` does; several times faster than
    `bulk_create` for thousands of rows (no ORM query building per row)."""
    database = connections[DEFAULT_DB_ALIAS]
    for offset in range(0, len(instances), size):
        chunk = instances[offset : offset + size]
        if not returning:
            insert_many(chunk)
            continue
        query, fields = _insert_statement(type(chunk[0]), True, len(chunk))
        params = [value for instance in chunk for value in _values(instance, fields, database)]
        with database.cursor() as cursor:
            cursor.execute(query, params)
            keys = cursor.fetchall()
        if len(keys) != len(chunk):
            raise RuntimeError("the database returned fewer keys than rows inserted")
        for instance, (key,) in zip(chunk, keys, strict=True):
            instance.pk = key
            instance._state.adding = False
            instance._state.db = connection.alias
