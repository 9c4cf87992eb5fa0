"""Benchmark of the Bürgerbüro appointments (issue 14): free times and simultaneous bookings.

    .venv/bin/python bench/appointments.py [--runs 50] [--record]
    .venv/bin/python bench/appointments.py --smoke     # short, correctness targets only (CI)

Two parts, each on SQLite (a temporary file) and on PostgreSQL (a fresh database
`rathaus_bench_appointments` on BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432);
each engine runs in its own child process, because Django's settings are per process.

1. Free times for a family — 3 persons, 4 services (Personalausweis + Reisepass; Reisepass;
   Anmeldung + Meldebescheinigung) — at both Bürgerbüros over 8 weeks, with 20 counters
   (Bottrop's data plus extra counters) and a realistic load: about 185 appointments a working
   day already booked. Target: median ≤ 20 ms in-process, for both locations together.
2. 40 simultaneous bookings of one start time through the API (40 threads, each with its own
   database connection, released together by a barrier): exactly `free` of them get 201 — as
   many as the slots API said could still start then — and the rest 409; no 5xx; no two
   active allocations of one counter overlap.
Exits 1 when a target is missed. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MEDIAN_MS = 20.0
THREADS = 40
PER_DAY = 185
WEEKS = 8
COUNTERS = {"rathaus": 16, "kirchhellen": 4}  # 20 in all
FAMILY = [
    (("personalausweis", 1), ("reisepass", 1)),
    (("reisepass", 1),),
    (("anmeldung", 1), ("meldebescheinigung", 1)),
]


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    os.environ["RATHAUS_BOT_PROTECTION"] = "off"
    os.environ["RATHAUS_RATE_LIMITS"] = "off"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _counters_add(today: date) -> None:
    from rathaus.appointments.bootstrap import citizen_office_load
    from rathaus.appointments.models import Counter, Location
    from rathaus.appointments.tests.factories import counter_make

    citizen_office_load(today=today)
    for slug, wanted in COUNTERS.items():
        location = Location.objects.get(slug=slug)
        regular = Counter.objects.filter(location=location, emergency_only=False)
        template = regular.first()
        services = list(template.services.all())
        rules = list(template.resource.weekly_rules.all())
        for number in range(regular.count() + 1, wanted + 1):
            counter = counter_make(location, f"Schalter {number}", services, weekdays=range(0))
            for rule in rules:
                rule.pk = None
                rule.resource = counter.resource
                rule.save()


def _load(first: date, last: date, now: datetime, rng: random.Random) -> int:
    """About PER_DAY single-person appointments a working day, as confirmed bookings."""
    from rathaus.appointments.constants import PURPOSE
    from rathaus.appointments.selectors import PersonNeed, free_times, plan_make
    from rathaus.scheduling.constants import BookingStatus
    from rathaus.scheduling.exceptions import SchedulingError
    from rathaus.scheduling.services import booking_door

    made = 0
    mixes = [
        [("personalausweis", 1)],
        [("reisepass", 1)],
        [("anmeldung", 1)],
        [("meldebescheinigung", 1)],
        [("personalausweis", 1), ("reisepass", 1)],
    ]
    day = first
    while day <= last:
        for slug, share in (("rathaus", 0.85), ("kirchhellen", 0.15)):
            plans = [plan_make(slug, [PersonNeed(tuple(mix))]) for mix in mixes]
            for _ in range(int(PER_DAY * share)):
                plan = rng.choice(plans)
                found = free_times(plan, day, day, now=now, with_kept=True, parallel=False)
                if not found:
                    break
                choice = rng.choice(found)
                counters = [c.resource_id for c in _able(plan)]
                try:
                    with booking_door(resource_ids=counters, now=now) as door:
                        door.book_from_pool(
                            counters,
                            choice.start,
                            choice.end,
                            purpose=PURPOSE,
                            strategy="least_busy",
                            status=BookingStatus.CONFIRMED,
                        )
                    made += 1
                except SchedulingError:
                    continue
        day += timedelta(days=1)
    return made


def _able(plan):
    from rathaus.appointments.selectors import counters_able

    return counters_able(plan)


def _measure(function, runs: int) -> dict:
    function()  # warm the caches (catalogue, holidays, opening windows)
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "cpu_median_ms": statistics.median(cpu),
        "p95_ms": timings[max(0, int(len(timings) * 0.95) - 1)],
        "min_ms": timings[0],
        "found": result,
    }


def _simultaneous(start: datetime, now: datetime) -> dict:
    """THREADS bookings of one start at once through POST /api/v1/appointments."""
    from django.db import connection, connections
    from django.test import Client

    from rathaus.appointments.selectors import PersonNeed, free_times, plan_make

    plan = plan_make("rathaus", [PersonNeed((("reisepass", 1),))])
    day = start.date()
    free = next((t.free for t in free_times(plan, day, day, now=now) if t.start == start), 0)
    barrier = threading.Barrier(THREADS)
    answers: list[int] = []
    lock = threading.Lock()

    def attempt(number: int) -> None:
        client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST="127.0.0.1")
        body = {
            "location": "rathaus",
            "start": start.isoformat(),
            "services": [{"service": "reisepass", "count": 1}],
            "person": {
                "given_name": f"Person{number}",
                "family_name": "Gleichzeitig",
                "date_of_birth": "1980-01-01",
            },
            "email": f"gleichzeitig{number}@example.org",
        }
        barrier.wait(timeout=60)
        try:
            status = client.post(
                "/api/v1/appointments", json.dumps(body), content_type="application/json"
            ).status_code
        finally:
            connections.close_all()
        with lock:
            answers.append(status)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM scheduling_allocation a JOIN scheduling_allocation b"
            " ON a.resource_id = b.resource_id AND a.id < b.id AND a.active AND b.active"
            ' AND a.start < b."end" AND b.start < a."end"'
            " AND (a.expires_at IS NULL OR a.expires_at > %s)"
            " AND (b.expires_at IS NULL OR b.expires_at > %s)",
            [now, now],
        )
        overlaps = cursor.fetchone()[0]
    return {
        "free": free,
        "created": answers.count(201),
        "conflicts": answers.count(409),
        "errors": sum(1 for status in answers if status >= 500),
        "other": sorted(s for s in answers if s not in (201, 409) and s < 500),
        "answered": len(answers),
        "overlaps": overlaps,
    }


def engine_run(engine: str, database_url: str, runs: int, smoke: bool) -> dict:
    _setup(database_url)
    from django.db import connection
    from django.utils import timezone

    from rathaus.appointments.selectors import PersonNeed, free_times, plan_make
    from rathaus.core.timezone import BERLIN

    now = timezone.now()
    today = now.astimezone(BERLIN).date()
    first = today + timedelta(days=1)
    last = first + timedelta(weeks=WEEKS) - timedelta(days=1)
    _counters_add(today)
    rng = random.Random(2027)
    load_last = first + timedelta(days=6) if smoke else last
    made = _load(first, load_last, now, rng)
    needs = [PersonNeed(person) for person in FAMILY]
    plans = [plan_make(slug, needs) for slug in COUNTERS]

    def family_times() -> int:
        return sum(len(free_times(plan, first, last, now=now)) for plan in plans)

    search = _measure(family_times, runs)
    # One start a week ahead at 10:00 on a working day: several counters are free then.
    day = first + timedelta(days=7)
    while day.weekday() > 3:
        day += timedelta(days=1)
    start = datetime.combine(day, clock(10), tzinfo=BERLIN)
    rush = _simultaneous(start, now)
    return {
        "engine": engine,
        "vendor": _vendor(connection),
        "bookings": made,
        "range": f"{first} – {last}",
        "search": search,
        "rush": rush,
    }


def _vendor(connection) -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    version = connection.pg_version
    return f"PostgreSQL {version // 10000}.{version % 10000}"


def _child(engine: str, runs: int, smoke: bool) -> dict:
    if engine == "sqlite":
        folder = tempfile.mkdtemp(prefix="rathaus-bench-appointments-")
        url = f"sqlite:///{folder}/bench.sqlite3"
    else:
        from bench.common import database_recreate

        server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        url = database_recreate(server, "rathaus_bench_appointments")
    output = subprocess.run(
        [sys.executable, __file__, "--child", engine, "--url", url, "--runs", str(runs)]
        + (["--smoke"] if smoke else []),
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if output.returncode != 0:
        sys.stderr.write(output.stdout + output.stderr)
        sys.exit(f"bench/appointments.py: the {engine} run failed")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--record", action="store_true", help="append to docs/benchmarks.md")
    parser.add_argument("--smoke", action="store_true", help="short run, no record")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.record = 3, False
    if args.child:
        result = engine_run(args.child, args.url, args.runs, args.smoke)
        print(json.dumps(result, default=str))
        return
    results = [_child(engine, args.runs, args.smoke) for engine in args.engines.split(",")]
    lines = [
        f"### bench/appointments.py — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        f"Machine: {platform.node()} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()}. Free times: 3 persons, 4 services, both Bürgerbüros, "
        f"{WEEKS} weeks, 20 counters, {args.runs} runs. Rush: {THREADS} simultaneous "
        "bookings of one start through the API.",
        "",
        "| engine | bookings loaded | free times median ms | p95 ms | min ms | CPU median ms "
        "| start times | free at the rush start | 201 | 409 | 5xx | overlaps |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    failed = []
    for r in results:
        s, rush = r["search"], r["rush"]
        lines.append(
            f"| {r['vendor']} | {r['bookings']} | {s['median_ms']:.1f} | {s['p95_ms']:.1f} "
            f"| {s['min_ms']:.1f} | {s['cpu_median_ms']:.1f} | {s['found']} | {rush['free']} "
            f"| {rush['created']} "
            f"| {rush['conflicts']} | {rush['errors']} | {rush['overlaps']} |"
        )
        if not args.smoke and s["median_ms"] > TARGET_MEDIAN_MS:
            failed.append(f"{r['engine']}: free-time median {s['median_ms']:.1f} ms > 20 ms")
        if s["found"] == 0 or rush["free"] < 1:
            failed.append(f"{r['engine']}: nothing free, the set-up is broken")
        if (rush["created"], rush["conflicts"]) != (rush["free"], THREADS - rush["free"]):
            failed.append(
                f"{r['engine']}: {rush} instead of exactly `free` 201s and 409 for the rest"
            )
        if rush["errors"] or rush["overlaps"] or rush["answered"] != THREADS:
            failed.append(f"{r['engine']}: errors, overlaps or unanswered requests: {rush}")
    lines.append("")
    print("\n".join(lines))
    if failed:
        sys.exit("bench/appointments.py: " + "; ".join(failed))
    if args.record:
        with open(ROOT / "docs" / "benchmarks.md", "a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
