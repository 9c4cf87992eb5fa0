"""Configuration that changes rarely, cached per process until the database says it changed.

Rules, openings, closures, venues, registrars, the reservation policy and the lotteries are
read by every reservation but written a few times a day. Database triggers on their tables
(created by each app's migration with `triggers_create`) give the single `ConfigRevision` row a
new random value in the writing transaction, so every write — a service, the admin, an
import, raw SQL — changes the revision exactly when it commits. A cached value is used only
while the revision is the one it was loaded under; checking costs one primary-key read.

SQLite drops a table's triggers when a later migration rebuilds the table (most field
changes do), so after every `migrate` the triggers of every configuration table are put back
where they are missing (`triggers_ensure`, connected to `post_migrate` in `CoreConfig`).

Values are stored only outside transactions: inside one, what was read may be this
transaction's own uncommitted writes, which a rollback would turn into a lie. Cached objects are
shared by every request of the process: read them, never change them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import Enum
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.loader import MigrationLoader

T = TypeVar("T")

_entries: dict[str, tuple[int, object]] = {}


class _Unset(Enum):
    UNSET = "unset"  # no revision pinned: ask the database


_UNSET = _Unset.UNSET
_pinned: ContextVar[int | _Unset | None] = ContextVar("config_revision_pinned", default=_UNSET)
_assumed: ContextVar[bool] = ContextVar("config_revision_assumed", default=False)
_last_seen: int | None = None  # the revision this process read last


class RevisionMoved(Exception):
    """The configuration changed after the revision a block assumed: run it again pinned."""


_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION core_config_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core_configrevision (id, value) VALUES (1, (random() * 9e15)::bigint)
    ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value;
    RETURN NULL;
END $$;
"""
_POSTGRES_TRIGGER = """
CREATE TRIGGER {table}_config_revision
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION core_config_revision_bump();
"""
_SQLITE_TRIGGER = """
CREATE TRIGGER {table}_config_revision_{event} AFTER {event} ON {table}
BEGIN
    INSERT OR REPLACE INTO core_configrevision (id, value) VALUES (1, random());
END;
"""
_EVENTS = ("insert", "update", "delete")


_configuration_tables: set[str] = set()


def triggers_migration(tables: list[str]) -> migrations.RunPython:
    """The migration operation that puts the triggers on `tables` (and takes them off).

    It also registers the tables as configuration (`configuration_tables`): an app declares
    its configuration in the migration that protects it, so the two cannot disagree.
    """
    _configuration_tables.update(tables)
    return migrations.RunPython(
        lambda apps, schema_editor: triggers_create(schema_editor, tables),
        lambda apps, schema_editor: triggers_drop(schema_editor, tables),
        elidable=False,
    )


def triggers_create(schema_editor: BaseDatabaseSchemaEditor, tables: list[str]) -> None:
    """For a migration: every write to these tables changes the revision."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_POSTGRES_FUNCTION)
        for table in tables:
            schema_editor.execute(_POSTGRES_TRIGGER.format(table=table))
    elif vendor == "sqlite":
        for table in tables:
            for event in _EVENTS:
                schema_editor.execute(_SQLITE_TRIGGER.format(table=table, event=event))


def triggers_drop(schema_editor: BaseDatabaseSchemaEditor, tables: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_config_revision ON {table}")
        elif vendor == "sqlite":
            for event in _EVENTS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_config_revision_{event}")


def configuration_tables() -> set[str]:
    """Every table whose writes change the revision, as the apps' migrations declare them."""
    MigrationLoader(None, ignore_no_migrations=True)  # imports every migration: they register
    return set(_configuration_tables)


def tables_with_triggers(using: str = DEFAULT_DB_ALIAS) -> set[str]:
    """The tables that carry every trigger `triggers_create` puts on a table, as the
    database itself reports them."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
            wanted = {"config_revision"}
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            wanted = {f"config_revision_{event}" for event in _EVENTS}
        found: dict[str, set[str]] = {}
        for table, trigger in cursor.fetchall():
            found.setdefault(table, set()).add(trigger.removeprefix(f"{table}_"))
    return {table for table, triggers in found.items() if wanted <= triggers}


def triggers_ensure(using: str = DEFAULT_DB_ALIAS, **kwargs: object) -> None:
    """Put the triggers back on every configuration table that lacks them (a `post_migrate`
    receiver: SQLite loses them when a migration rebuilds a table)."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    existing = set(connection.introspection.table_names())
    missing = sorted((configuration_tables() & existing) - tables_with_triggers(using))
    if missing:
        with connection.schema_editor() as schema_editor:
            triggers_drop(schema_editor, missing)  # a partial set, if any
            triggers_create(schema_editor, missing)


def revision_current() -> int | None:
    """The current revision; None when there is none yet (then nothing is cached)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM core_configrevision WHERE id = 1")
        row = cursor.fetchone()
    global _last_seen
    _last_seen = row[0] if row else None
    return _last_seen


@contextmanager
def revision_pinned() -> Iterator[None]:
    """Check the revision once for the whole block instead of on every `cached` call.

    For code that only reads configuration (a reservation): everything it reads is then as
    of one moment at the block's start. Not for code that changes configuration and reads it
    back. A nested block keeps the outer revision.
    """
    if _pinned.get() is not _UNSET or not settings.RATHAUS_CONFIG_CACHE:
        yield
        return
    token = _pinned.set(revision_current())
    try:
        yield
    finally:
        _pinned.reset(token)


@contextmanager
def revision_assumed() -> Iterator[bool]:
    """Pin the revision this process read last, without asking the database.

    For a hammered path whose one write carries the check itself (`revision_unchanged`): the
    write happens only while the revision is still the assumed one, so one round trip does
    what a check and a write did. Inside the block, configuration comes from the cache only; a
    miss, like a write refused for a moved revision, raises RevisionMoved, and the caller runs
    the block again under `revision_pinned`. Yields False when there is nothing to assume
    (no revision read yet, or the cache is off): then pin instead.
    """
    revision = _last_seen
    if revision is None or _pinned.get() is not _UNSET or not settings.RATHAUS_CONFIG_CACHE:
        yield False
        return
    pin, assume = _pinned.set(revision), _assumed.set(True)
    try:
        yield True
    finally:
        _assumed.reset(assume)
        _pinned.reset(pin)


def assuming_revision(run: Callable[[], T]) -> T:
    """`run()` under the revision this process read last (`revision_assumed`), and once more
    under a checked one (`revision_pinned`) when that assumption failed or could not be made.
    `run` must be safe to repeat up to its checked write."""
    with revision_assumed() as assumed:
        if assumed:
            try:
                return run()
            except RevisionMoved:
                pass
    with revision_pinned():
        return run()


def revision_unchanged() -> tuple[str, list[object]] | None:
    """Inside `revision_assumed`: the SQL condition (and its parameters) that the assumed
    revision is still current, for the block's write (`sql.insert(..., only_if=...)`)."""
    if not _assumed.get():
        return None
    return (
        "EXISTS (SELECT 1 FROM core_configrevision WHERE id = 1 AND value = %s)",
        [_pinned.get()],
    )


def cached(name: str, load: Callable[[], T]) -> T:
    """`load()`, or what it returned before under the same revision."""
    if not settings.RATHAUS_CONFIG_CACHE:
        return load()
    revision = _pinned.get()
    if revision is _UNSET:
        revision = revision_current()
    entry = _entries.get(name)
    if revision is not None and entry is not None and entry[0] == revision:
        return entry[1]  # type: ignore[return-value]
    if _assumed.get():
        raise RevisionMoved(name)
    value = load()
    if revision is not None and not connection.in_atomic_block:
        _entries[name] = (revision, value)
    return value


def cache_clear() -> None:
    _entries.clear()
