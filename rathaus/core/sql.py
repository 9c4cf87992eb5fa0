"""Plain SQL for the few statements every reservation runs.

Building and compiling an ORM query costs about ten times what PostgreSQL needs to answer it
(bench/README.md, docs/benchmarks.md); the booking path runs a handful of such reads per
request, so they are written out here once. Everything else uses the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection


def placeholders(count: int) -> str:
    """'%s, %s, %s' for an IN list of `count` values (at least one)."""
    return ", ".join(["%s"] * max(1, count))


def with_lists(query: str, **counts: int) -> str:
    """`query` with each `{name}` replaced by the placeholders of a list of counts[name] values."""
    for name, count in counts.items():
        query = query.replace("{" + name + "}", placeholders(count))
    return query


def db_value(value):
    """A datetime as the backend stores it (SQLite: UTC text); anything else unchanged."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def rows(sql: str, params: Sequence = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [db_value(value) for value in params])
        return cursor.fetchall()


def execute(sql: str, params: Sequence = ()) -> int:
    """Runs a write; returns the number of rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [db_value(value) for value in params])
        return cursor.rowcount
