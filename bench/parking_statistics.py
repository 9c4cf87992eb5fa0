"""Benchmark: the parking office's zone statistics (issue 17) over a simulated year.

    .venv/bin/python bench/parking_statistics.py [--permits 3000] [--applications 5000]
                                                  [--runs 7] [--record]
    .venv/bin/python bench/parking_statistics.py --smoke   # a tenth of the data, 2 runs

Uses a fresh SQLite file in a temporary folder unless DATABASE_URL is set (a PostgreSQL
database named there is flushed first). Writes, spread over the twelve months up to today:
N applications (70 % first applications, 25 % renewals, 5 % changes of plate; 70 % decided
automatically within seconds, 25 % by staff after half a day to 15 days, a fifth of those
refused, 5 % still open), M resident permits issued after the decision (one or two years, 5 %
revoked) plus one temporary or visitor permit for every tenth, and the enforcement's tally
for every hour of the year in every zone (8,760 × zones rows). Then asks, in-process through
Django's test client with every middleware, as the parking office:
  page – /verwaltung/parken/statistik/ (default range: 24 months; every table, five inline
         SVG charts),
  csv  – the zones table as CSV,
  svg  – one chart (the load per zone).
Nothing is cached between runs. Target: each well under a second (median < 1,000 ms).
"""

import argparse
import os
import platform
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import django_local, page_timings  # noqa: E402

TARGET_MS = 1000


def setup_django(database_url: str | None) -> None:
    database_url = django_local(database_url)
    if not database_url.startswith("sqlite"):
        from django.core.management import call_command

        # the zones, streets and fees come with the module's data migration
        call_command("migrate", "parking_permits", "zero", verbosity=0)
        call_command("migrate", verbosity=0)


def simulate(*, applications: int, permits: int, now: datetime, seed: int = 1) -> dict:
    from datetime import UTC

    from rathaus.parking_permits.constants import ApplicationKind, PermitKind, Status
    from rathaus.parking_permits.enforcement.models import LookupTally
    from rathaus.parking_permits.models import Application, FeeRule, Permit, Street, Zone
    from rathaus.parking_permits.tests import stats_factories as f

    rng = random.Random(seed)
    zones = list(Zone.objects.order_by("pk"))
    street = Street.objects.order_by("pk").first()
    fee_rule = FeeRule.objects.order_by("pk").first()
    year = timedelta(days=365)
    rows = []
    for _ in range(applications):
        created = now - year + timedelta(seconds=rng.randrange(int(year.total_seconds())))
        kind = rng.choices(
            [ApplicationKind.NEW, ApplicationKind.RENEWAL, ApplicationKind.PLATE_CHANGE],
            [70, 25, 5],
        )[0]
        way = rng.choices(["auto", "staff", "open"], [70, 25, 5])[0]
        decided, automatic, status = None, False, Status.REVIEW
        if way == "auto":
            decided, automatic, status = created + timedelta(seconds=2), True, Status.APPROVED
        elif way == "staff":
            decided = created + timedelta(hours=rng.uniform(12, 360))
            status = Status.REFUSED if rng.random() < 0.2 else Status.APPROVED
        if decided is not None and decided > now:
            decided, status = None, Status.REVIEW
        rows.append(
            f.application_row(
                zone=rng.choice(zones),
                created_at=created,
                decided_at=decided,
                automatic=automatic,
                status=status,
                kind=kind,
                street=street,
                fee_rule=fee_rule,
            )
        )
    with f.submitted_at_as_given():
        made = Application.objects.bulk_create(rows, batch_size=500)
    approved = [a for a in made if a.status == Status.APPROVED]
    rng.shuffle(approved)
    permit_rows = []
    for application in approved[:permits]:
        issued = application.decided_at + timedelta(hours=rng.uniform(1, 240))
        if issued > now:
            continue
        start = issued.date()
        permit_rows.append(
            f.permit_row(
                application=application,
                valid_from=start,
                valid_until=start + timedelta(days=365 * rng.choice([1, 2]) - 1),
                issued_at=issued,
                revoked_at=issued + timedelta(days=rng.uniform(5, 200))
                if rng.random() < 0.05
                else None,
            )
        )
        if len(permit_rows) % 10 == 0:
            day = start + timedelta(days=rng.randrange(30))
            permit_rows.append(
                f.permit_row(
                    application=application,
                    kind=rng.choice([PermitKind.TEMPORARY, PermitKind.VISITOR]),
                    valid_from=day,
                    valid_until=day + timedelta(days=rng.randrange(1, 14)),
                    issued_at=issued,
                )
            )
    Permit.objects.bulk_create(permit_rows, batch_size=500)
    first_hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) - year
    tallies = []
    for zone in zones:
        for hour in range(365 * 24):
            lookups = rng.randrange(0, 20)
            tallies.append(
                LookupTally(
                    zone=zone,
                    hour=first_hour + timedelta(hours=hour),
                    lookups=lookups,
                    allowed=rng.randrange(0, lookups + 1),
                )
            )
    LookupTally.objects.bulk_create(tallies, batch_size=1000)
    return {
        "applications": len(made),
        "permits": len(permit_rows),
        "tallies": len(tallies),
        "zones": len(zones),
    }


def measure(client, url: str, runs: int) -> dict:
    return page_timings(client, url, runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--permits", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--record", action="store_true", help="append to docs/benchmarks.md")
    parser.add_argument("--smoke", action="store_true", help="a tenth of the data, 2 runs")
    args = parser.parse_args()
    if args.smoke:
        args.applications, args.permits, args.runs, args.record = 500, 300, 2, False
    setup_django(os.environ.get("DATABASE_URL"))

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from rathaus.accounts import roles
    from rathaus.accounts.services import roles_ensure, staff_user_ensure

    started = time.perf_counter()
    made = simulate(applications=args.applications, permits=args.permits, now=timezone.now())
    simulated_s = time.perf_counter() - started
    roles_ensure()
    user, _ = staff_user_ensure(
        username="bench-parken",
        password="Bench-Parken-2027",
        first_name="B",
        last_name="P",
        role=roles.PARKING_OFFICE,
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="de", HTTP_HOST="localhost")
    client.force_login(user)
    base = "/verwaltung/parken/statistik"
    urls = {
        "page": f"{base}/",
        "csv": f"{base}.csv?table=zones",
        "svg": f"{base}/auslastung.svg",
    }
    results = {name: measure(client, url, args.runs) for name, url in urls.items()}
    machine = f"{os.cpu_count()} cores · Python {platform.python_version()} · {connection.vendor}"
    lines = [
        f"### bench/parking_statistics.py — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        f"Machine: {machine}. One year: {made['applications']} applications, "
        f"{made['permits']} permits, {made['tallies']} tally rows ({made['zones']} zones × "
        f"8,760 hours) written in {simulated_s:.1f} s; default range (24 months); "
        f"{args.runs} runs each, nothing cached.",
        "",
        "| request | median ms | max ms | CPU median ms | bytes |",
        "|---|---|---|---|---|",
    ]
    for name, figures in results.items():
        lines.append(
            f"| {name} | {figures['median_ms']:.0f} | {figures['max_ms']:.0f} | "
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
