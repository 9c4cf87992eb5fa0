"""The booking race on SQLite: IMMEDIATE transactions serialise check and insert.

The race runs in a separate process on a temporary file database (see sqlite_race.py); threads
cannot share the suite's in-memory database. Two controls show what the setting is for: with
SQLite's default DEFERRED transactions the losers crash with "database is locked" instead of
getting a clean SlotUnavailable, and a check made outside the write transaction double-books.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[3]
THREADS = 20


@pytest.fixture(scope="module")
def races(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite-race") / "race.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": f"sqlite:///{database}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "rathaus.scheduling.tests.sqlite_race"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["transaction_mode"] == "IMMEDIATE"
    return report


def test_on_sqlite_twenty_people_book_the_same_slot_exactly_one_wins(races):
    race = races["service"]

    assert race["outcomes"] == {"ok": 1, "SlotUnavailable": THREADS - 1}
    assert race["active_allocations"] == 1


def test_control_with_deferred_transactions_the_losers_get_no_clean_answer(races):
    race = races["service-deferred"]

    assert race["outcomes"]["ok"] == 1
    assert race["outcomes"].get("OperationalError", 0) >= 1, race
    assert "database is locked" in race["errors"]
    assert race["active_allocations"] == 1


def test_control_a_check_outside_the_write_transaction_double_books(races):
    race = races["check-then-insert"]

    assert race["outcomes"]["ok"] > 1, race
    assert race["active_allocations"] == race["outcomes"]["ok"]
