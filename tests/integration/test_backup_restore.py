"""The restore drill of docs/runbooks/backup-restore.md, performed (reference F-6).

Bottrop's data and a few reservations, a backup taken while the site could write, a restore
into a new database, then every table compared: the same tables, the same row counts and the
same checksum over all rows. A change made after the backup must show up as a difference, so
the comparison itself is proven able to fail.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from rathaus.core.backup import (
    BackupError,
    backup_restore,
    backups_prune,
    pg_database_drop,
    sqlite_integrity_check,
    table_fingerprints,
)
from rathaus.core.timezone import local_today
from rathaus.weddings import services
from rathaus.weddings.bootstrap import bottrop_data_load
from rathaus.weddings.models import Reservation, Venue
from rathaus.weddings.selectors import SlotFilter, ceremony_slots_free


def _site_with_reservations(count: int = 4) -> None:
    bottrop_data_load(today=local_today())
    first = local_today() + timedelta(days=40)
    slots = ceremony_slots_free(
        first=first,
        last=first + timedelta(days=60),
        filters=SlotFilter(venues=[Venue.objects.get(slug="rathaus-trauzimmer")]),
    )
    for index in range(count):
        created = services.reservation_create(
            request=services.ReservationRequest(
                venue=slots[index].venue,
                start=slots[index].start,
                partners=(
                    services.Partner("Çağla", "Öztürk"),
                    services.Partner("Li", f"Wu{index}"),
                ),
                email=f"paar{index}@example.org",
                guests=10 + index,
                language="de",
                note="Ein Hinweis mit 'Anführungszeichen' und\nZeilenumbruch",
            )
        )
        if index % 2:
            services.reservation_confirm_email(
                reservation=created.reservation, token=created.confirm_token
            )


def _backup(directory: Path) -> Path:
    out = StringIO()
    call_command("backup_database", directory=directory, stdout=out)
    path = Path(out.getvalue().split()[1])
    assert path.exists() and path.parent == directory
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    return path


def _live() -> dict:
    with connection.cursor() as cursor:
        return table_fingerprints(cursor, connection.vendor)


def _assert_same(live: dict, restored: dict) -> None:
    assert set(restored) == set(live)
    differences = {t: (live[t], restored[t]) for t in live if live[t] != restored[t]}
    assert not differences
    assert live["weddings_venue"].rows == 14
    assert live["weddings_reservation"].rows == 4


def _touch_after_backup() -> None:
    Reservation.objects.filter(guests=10).update(guests=11)


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restore_drill(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite drill; the PostgreSQL one is below")
    _site_with_reservations()
    backup = _backup(tmp_path / "backups")
    sqlite_integrity_check(backup)
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    target = tmp_path / "restored.sqlite3"
    call_command("restore_database", str(backup), target=str(target), stdout=StringIO())
    with sqlite3.connect(target) as restored:
        restored_prints = table_fingerprints(restored.cursor(), "sqlite")
    _assert_same(_live(), restored_prints)
    _touch_after_backup()
    changed = _live()
    assert {t for t in changed if changed[t] != restored_prints[t]} == {"weddings_reservation"}
    with pytest.raises(CommandError, match="exists already"):
        call_command("restore_database", str(backup), target=str(target), stdout=StringIO())


def _pg_tools_or_skip():
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        reason = f"{', '.join(missing)} not on PATH (apt-get install postgresql-client)"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restore_drill(tmp_path):
    _pg_tools_or_skip()
    _site_with_reservations()
    backup = _backup(tmp_path / "backups")
    assert backup.suffix == ".dump" and backup.read_bytes()[:5] == b"PGDMP"
    target = f"{connection.settings_dict['NAME']}_restore_drill"
    pg_database_drop(target)
    try:
        call_command("restore_database", str(backup), target=target, stdout=StringIO())
        settings_dict = connection.settings_dict
        with psycopg.connect(
            dbname=target,
            host=settings_dict["HOST"] or None,
            port=settings_dict["PORT"] or None,
            user=settings_dict["USER"] or None,
            password=settings_dict["PASSWORD"] or None,
        ) as restored:
            restored_prints = table_fingerprints(restored.cursor(), "postgresql")
        _assert_same(_live(), restored_prints)
        _touch_after_backup()
        changed = _live()
        assert {t for t in changed if changed[t] != restored_prints[t]} == {"weddings_reservation"}
        with pytest.raises(BackupError, match="exists already"):
            backup_restore(source=backup, target=target)
        with pytest.raises(BackupError, match="live database"):
            backup_restore(source=backup, target=settings_dict["NAME"])
    finally:
        pg_database_drop(target)


def test_old_backups_are_pruned_but_the_newest_stays(tmp_path):
    now = datetime(2027, 6, 30, 3, 0, tzinfo=UTC)
    names = [
        "rathaus-20270101-030000.sqlite3",
        "rathaus-20270529-030000.dump",
        "rathaus-20270601-030000.sqlite3",
        "rathaus-20270629-030000.sqlite3",
        "notes.txt",
    ]
    for name in names:
        (tmp_path / name).write_text("x")
    removed = backups_prune(directory=tmp_path, keep_days=30, now=now)
    assert sorted(path.name for path in removed) == names[:2]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(names[2:])
    only_old = tmp_path / "old"
    only_old.mkdir()
    (only_old / names[0]).write_text("x")
    assert backups_prune(directory=only_old, keep_days=30, now=now) == []


def test_a_corrupt_sqlite_backup_is_refused(tmp_path):
    broken = tmp_path / "rathaus-20270101-030000.sqlite3"
    with sqlite3.connect(broken) as database:
        database.execute("CREATE TABLE t (x)")
        database.executemany("INSERT INTO t VALUES (?)", [(str(i) * 100,) for i in range(500)])
    data = bytearray(broken.read_bytes())
    data[4096 : 4096 + 64] = b"\xff" * 64  # overwrite the start of the table's first page
    broken.write_bytes(bytes(data))
    with pytest.raises(BackupError):
        sqlite_integrity_check(broken)
