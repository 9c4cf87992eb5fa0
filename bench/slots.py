"""Benchmark: free slots of all venues over 12 months with ~600 existing bookings.

    .venv/bin/python bench/slots.py [--runs 50] [--bookings 600] [--record]
    .venv/bin/python bench/slots.py --smoke    # 3 runs, 60 bookings: checks it still works (CI)

Uses a fresh SQLite file in a temporary folder unless DATABASE_URL is set (a PostgreSQL
database named there is flushed first). Prints the median and percentiles of:
  core  – rathaus.scheduling.selectors.slots_free_between for the 14 venues (rules, closures,
          holidays, bookings: the scheduling core alone);
  full  – rathaus.weddings.selectors.ceremony_slots_free: venues AND a free registrar with
          travel, fees and reservation policy (what the Traukalender and the API run);
  full+materialised – the same with every slot turned into aware datetimes (what the API does).
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import django_local  # noqa: E402


def setup_django(database_url: str | None) -> None:
    django_local(database_url, "config.settings.base")


def seed(bookings: int, first: date, last: date) -> int:
    from rathaus.core.timezone import local_today
    from rathaus.scheduling.services import AllocationRequest, booking_create
    from rathaus.weddings.bootstrap import bottrop_data_load
    from rathaus.weddings.selectors import ceremony_slot_offer, ceremony_slots_free

    bottrop_data_load(today=local_today())
    rng = random.Random(2027)
    candidates = ceremony_slots_free(first=first, last=last)
    made = 0
    for slot in rng.sample(candidates, min(len(candidates), bookings * 2)):
        offered, registrars = ceremony_slot_offer(
            venue=slot.venue, start=slot.start, apply_policy=False
        )
        if offered is None or not registrars:
            continue
        travel = timedelta(minutes=slot.venue.travel_minutes)
        try:
            booking_create(
                purpose="wedding",
                requests=[
                    AllocationRequest(slot.venue.resource_id, slot.start, slot.end),
                    AllocationRequest(
                        registrars[0].resource_id, slot.start - travel, slot.end + travel
                    ),
                ],
                # two in three are holds, as when the core still had pending and reserved
                status=rng.choice(["hold", "hold", "confirmed"]),
                hold_for=timedelta(days=400),
            )
        except Exception:  # a clash with an earlier pick; skip it
            continue
        made += 1
        if made == bookings:
            break
    return made


def measure(function, runs: int) -> dict:
    function()  # warm caches (holidays, query plans)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "min_ms": timings[0],
        "slots": len(result),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--bookings", type=int, default=600)
    parser.add_argument("--record", action="store_true", help="append to docs/benchmarks.md")
    parser.add_argument("--smoke", action="store_true", help="3 runs, 60 bookings, no record")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.bookings, args.record = 3, 60, False
    setup_django(os.environ.get("DATABASE_URL"))

    from django.db import connection

    from rathaus.core.timezone import local_today
    from rathaus.scheduling.selectors import slots_free_between
    from rathaus.weddings.models import Venue
    from rathaus.weddings.selectors import ceremony_slots_free

    first = local_today() + timedelta(days=14)
    last = first + timedelta(days=365)
    made = seed(args.bookings, first, last)
    venue_ids = list(Venue.objects.values_list("resource_id", flat=True))

    results = {
        "core": measure(
            lambda: slots_free_between(resource_ids=venue_ids, first=first, last=last), args.runs
        ),
        "full": measure(lambda: ceremony_slots_free(first=first, last=last), args.runs),
        "full+materialised": measure(
            lambda: [(s.start, s.end) for s in ceremony_slots_free(first=first, last=last)],
            args.runs,
        ),
    }
    machine = (
        f"{platform.node()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · {connection.vendor}"
    )
    lines = [
        f"### bench/slots.py — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        f"Machine: {machine}. Range {first} – {last} (12 months), 14 venues, 10 registrars, "
        f"{made} active bookings, {args.runs} runs.",
        "",
        "| measurement | median ms | p95 ms | min ms | free slots |",
        "|---|---|---|---|---|",
        *(
            f"| {name} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['min_ms']:.1f} "
            f"| {r['slots']} |"
            for name, r in results.items()
        ),
        "",
    ]
    print("\n".join(lines))
    if made == 0 or any(r["slots"] == 0 for r in results.values()):
        sys.exit("bench/slots.py: no bookings made or no free slots found: the set-up is broken")
    if args.record:
        with open(ROOT / "docs" / "benchmarks.md", "a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
