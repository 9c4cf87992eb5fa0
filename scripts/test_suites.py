"""The two passes of `make test`: the SQLite suite (browser tests included) and the whole suite
again on PostgreSQL (scripts/test_postgres.py, docs/decisions/0003-test-databases.md).

With two or more cores they run side by side (each pass is one process that keeps one core
busy; CI has two), the PostgreSQL pass writing its report to a file that is printed after the
SQLite pass's. TEST_SEQUENTIAL=1, or a single core, runs them one after the other. Exits
non-zero when either pass failed. Arguments go to both passes' pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE = [sys.executable, "-m", "pytest", "-m", "not postgres"]
POSTGRES = [sys.executable, str(ROOT / "scripts" / "test_postgres.py")]


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def sequential(arguments: list[str]) -> int:
    first = subprocess.call([*SQLITE, *arguments], cwd=ROOT)  # noqa: S603 - our own interpreter
    second = subprocess.call([*POSTGRES, *arguments], cwd=ROOT)  # noqa: S603
    return first or second


def side_by_side(arguments: list[str]) -> int:
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+", prefix="rathaus-test-postgres-") as report:
        print("PostgreSQL pass runs beside the SQLite pass; its report follows it.", flush=True)
        postgres = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [*POSTGRES, *arguments], cwd=ROOT, stdout=report, stderr=subprocess.STDOUT
        )
        try:
            first = subprocess.call([*SQLITE, *arguments], cwd=ROOT)  # noqa: S603
            print(f"SQLite pass ended after {_minutes(time.monotonic() - started)}.", flush=True)
            second = postgres.wait()
        finally:
            if postgres.poll() is None:  # interrupted: do not leave the other pass running
                postgres.terminate()
                postgres.wait()
        report.seek(0)
        sys.stdout.write(report.read())
    print(f"Both passes ended after {_minutes(time.monotonic() - started)}.", flush=True)
    return first or second


def main(arguments: list[str]) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if os.environ.get("TEST_SEQUENTIAL") == "1" or (cores or 1) < 2:
        return sequential(arguments)
    return side_by_side(arguments)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
