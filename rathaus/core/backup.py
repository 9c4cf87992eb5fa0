"""Database backups and restores for both backends (docs/runbooks/backup-restore.md).

SQLite: the online backup API copies a consistent snapshot page by page while the site keeps
writing (never a copy of the live file, which would lose what sits in the -wal file), then
`PRAGMA integrity_check` must answer "ok" on the copy. PostgreSQL: `pg_dump --format=custom`,
restored with `pg_restore` into a new database. Fingerprints (row count and checksum per
table) let a restore drill prove that nothing was lost.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

STAMP = "%Y%m%d-%H%M%S"
NAME = re.compile(r"^rathaus-(\d{8}-\d{6})\.(sqlite3|dump)$")


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Fingerprint:
    rows: int
    checksum: str


_Settings = dict[str, Any]  # a connection's settings_dict


class Cursor(Protocol):
    """What the fingerprints need of a DB-API cursor (Django's, sqlite3's or psycopg's)."""

    def execute(self, sql: str, /) -> object: ...

    def fetchall(self) -> list[Any]: ...


def _vendor(connection: BaseDatabaseWrapper) -> str:
    vendor: str = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {vendor} databases are not supported")
    return vendor


# --- Backup ------------------------------------------------------------------------------------


def backup_create(
    *,
    directory: Path,
    connection: BaseDatabaseWrapper = default_connection,
    now: datetime | None = None,
) -> Path:
    """A new backup file in `directory`: rathaus-<UTC time>.sqlite3 or .dump."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or timezone.now()).astimezone(UTC).strftime(STAMP)
    if _vendor(connection) == "sqlite":
        target = directory / f"rathaus-{stamp}.sqlite3"
        _sqlite_backup(connection, target)
    else:
        target = directory / f"rathaus-{stamp}.dump"
        _pg_run("pg_dump", connection.settings_dict, "--format=custom", f"--file={target}")
    target.chmod(0o600)  # personal data: readable by the service account only
    return target


def _sqlite_backup(connection: BaseDatabaseWrapper, target: Path) -> None:
    if target.exists():
        raise BackupError(f"{target} exists already")
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # Small steps let the site write in between; a write restarts the copy of that step.
        connection.connection.backup(copy, pages=1024)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
    sqlite_integrity_check(target)


def sqlite_integrity_check(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as check:
            result = check.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}") from None
    if result != [("ok",)]:
        raise BackupError(f"integrity check of {path} failed: {result[:5]}")


def _pg_environment(settings_dict: _Settings) -> dict[str, str]:
    environment = {**os.environ}
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = settings_dict["PASSWORD"]
    return environment


def _pg_connection_arguments(settings_dict: _Settings) -> list[str]:
    arguments = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments.append(f"{option}={settings_dict[key]}")
    return arguments


def _pg_run(program: str, settings_dict: _Settings, *arguments: str, database: str = "") -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not on PATH (Debian: apt-get install postgresql-client)")
    command = [
        executable,
        *_pg_connection_arguments(settings_dict),
        "--no-owner",
        "--no-privileges",
        *arguments,
        f"--dbname={database or settings_dict['NAME']}",
    ]
    done = subprocess.run(  # noqa: S603 - a fixed program, arguments from our own settings
        command, env=_pg_environment(settings_dict), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{program} failed: {done.stderr.strip()[-2000:]}")


# --- Restore -----------------------------------------------------------------------------------


def backup_restore(
    *, source: Path, target: str, connection: BaseDatabaseWrapper = default_connection
) -> None:
    """Restore `source` into a new SQLite file or a new PostgreSQL database named `target`.

    Never into the live database: the target must not exist yet. Switching the site over to
    the restored database is a configuration change (DATABASE_URL), see the runbook.
    """
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    if _vendor(connection) == "sqlite":
        _sqlite_restore(source, Path(target))
    else:
        _pg_restore(source, target, connection.settings_dict)


def _sqlite_restore(source: Path, target: Path) -> None:
    if target.exists():
        raise BackupError(f"{target} exists already; restore into a new file")
    sqlite_integrity_check(source)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup:
        restored = sqlite3.connect(target)
        try:
            backup.backup(restored)
        finally:
            restored.close()
    target.chmod(0o600)
    sqlite_integrity_check(target)


def _pg_restore(source: Path, target: str, settings_dict: _Settings) -> None:
    import psycopg
    from psycopg import sql

    if target == settings_dict["NAME"]:
        raise BackupError("refusing to restore over the live database")
    with psycopg.connect(**_pg_maintenance(settings_dict), autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target]).fetchone():
            raise BackupError(f"database {target} exists already; restore into a new one")
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
    _pg_run("pg_restore", settings_dict, "--exit-on-error", str(source), database=target)


def _pg_maintenance(settings_dict: _Settings) -> dict[str, Any]:
    return {
        "dbname": "postgres",
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
    }


def pg_database_drop(name: str, connection: BaseDatabaseWrapper = default_connection) -> None:
    """Drop a scratch database of a restore drill."""
    import psycopg
    from psycopg import sql

    if name == connection.settings_dict["NAME"]:
        raise BackupError("refusing to drop the live database")
    with psycopg.connect(**_pg_maintenance(connection.settings_dict), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# --- Retention ---------------------------------------------------------------------------------


def backups_prune(*, directory: Path, keep_days: int, now: datetime | None = None) -> list[Path]:
    """Delete backups older than `keep_days` (by the time in their name); the newest stays."""
    found = sorted(
        (datetime.strptime(match[1], STAMP).replace(tzinfo=UTC), path)
        for path in directory.glob("rathaus-*")
        if (match := NAME.match(path.name))
    )
    limit = (now or timezone.now()) - timedelta(days=keep_days)
    removed = [path for taken, path in found[:-1] if taken < limit]
    for path in removed:
        path.unlink()
    return removed


# --- Fingerprints ------------------------------------------------------------------------------


def table_fingerprints(cursor: Cursor, vendor: str) -> dict[str, Fingerprint]:
    """Row count and an order-independent checksum of every table, from a DB-API cursor."""
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SET TIME ZONE 'UTC'")  # timestamps print alike on every connection
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = sorted(row[0] for row in cursor.fetchall())
    return {table: _fingerprint(cursor, vendor, table) for table in tables}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fingerprint(cursor: Cursor, vendor: str, table: str) -> Fingerprint:
    if vendor == "sqlite":
        cursor.execute(f"PRAGMA table_info({_quoted(table)})")
        columns = " || '|' || ".join(f"quote({_quoted(row[1])})" for row in cursor.fetchall())
        cursor.execute(f"SELECT {columns} FROM {_quoted(table)}")  # noqa: S608 - catalogue names
    else:
        cursor.execute(f"SELECT t::text FROM {_quoted(table)} AS t")  # noqa: S608
    rows = sorted(hashlib.sha256(str(row[0]).encode()).hexdigest() for row in cursor.fetchall())
    return Fingerprint(len(rows), hashlib.sha256("".join(rows).encode()).hexdigest())
