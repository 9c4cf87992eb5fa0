"""Benchmark: the Bürgerbüro's statistics of a simulated year of 45,000 appointments.

    .venv/bin/python bench/appointments_stats.py [--count 45000] [--runs 7] [--record]
    .venv/bin/python bench/appointments_stats.py --smoke   # 2,000 appointments, 2 runs

Uses a fresh SQLite file in a temporary folder unless DATABASE_URL is set (a PostgreSQL
database named there is flushed first). Loads Bottrop's citizen-office data, writes the year
with `appointments_simulate` (timed), then asks, in-process through Django's test client with
every middleware, as the citizen-office administration:
  page – /verwaltung/buergerbuero/statistik/ (all figures, tables, five chart references),
  csv  – the CSV export,
  svg  – one chart (capacity),
each "cold" (the minute's statistics cache cleared before every run: the full computation)
and "warm" (as when the page's five charts follow the page). Target: each under a second.
"""

import argparse
import os
import platform
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import django_local, page_timings  # noqa: E402

TARGET_MS = 1000


def measure(client, url: str, runs: int, *, cold: bool) -> dict:
    from django.core.cache import cache

    return page_timings(client, url, runs, before_each=cache.clear if cold else None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=45000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--year", type=int, default=date.today().year - 1)
    parser.add_argument("--record", action="store_true", help="append to docs/benchmarks.md")
    parser.add_argument("--smoke", action="store_true", help="2,000 appointments, 2 runs")
    args = parser.parse_args()
    if args.smoke:
        args.count, args.runs, args.record = 2000, 2, False
    django_local(os.environ.get("DATABASE_URL"))

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from rathaus.accounts import roles
    from rathaus.accounts.services import roles_ensure, staff_user_ensure
    from rathaus.appointments.bootstrap import citizen_office_load
    from rathaus.appointments.statistics.services import appointments_simulate

    citizen_office_load(today=date(args.year, 1, 1))
    started = time.perf_counter()
    made = appointments_simulate(
        year=args.year, count=args.count, seed=1, now=timezone.now(), replace=True
    )
    simulated_s = time.perf_counter() - started
    roles_ensure()
    user, _ = staff_user_ensure(
        username="bench-statistik",
        password="Bench-Statistik-2027",
        first_name="B",
        last_name="S",
        role=roles.CITIZEN_OFFICE_ADMIN,
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="de", HTTP_HOST="localhost")
    client.force_login(user)
    base = "/verwaltung/buergerbuero/statistik/"
    urls = {
        "page": f"{base}?year={args.year}",
        "csv": f"{base}statistik.csv?year={args.year}",
        "svg": f"{base}statistik.svg?year={args.year}&chart=capacity",
    }
    results = {
        (name, mode): measure(client, url, args.runs, cold=mode == "cold")
        for name, url in urls.items()
        for mode in ("cold", "warm")
    }
    machine = (
        f"{platform.node()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · {connection.vendor}"
    )
    lines = [
        f"### bench/appointments_stats.py — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        f"Machine: {machine}. Year {args.year}: {made.appointments} appointments "
        f"({made.cancelled} cancelled, {made.no_shows} no-shows, {made.persons} persons, "
        f"{made.requests} services) simulated in {simulated_s:.1f} s; {args.runs} runs each.",
        "",
        "| request | cache | median ms | max ms | CPU median ms | bytes |",
        "|---|---|---|---|---|---|",
    ]
    for (name, mode), figures in results.items():
        lines.append(
            f"| {name} | {mode} | {figures['median_ms']:.0f} | {figures['max_ms']:.0f} | "
            f"{figures['cpu_median_ms']:.0f} | {figures['bytes']} |"
        )
    text = "\n".join(lines)
    print(text)
    missed = [key for key, figures in results.items() if figures["median_ms"] >= TARGET_MS]
    if args.record:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as handle:
            handle.write("\n" + text + "\n")
    if missed and not args.smoke:
        print(f"target (median < {TARGET_MS} ms) missed: {missed}")
        sys.exit(1)


if __name__ == "__main__":
    main()
