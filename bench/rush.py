"""Rush benchmark: 1,000 reservation attempts at the moment a release window opens.

    .venv/bin/python bench/rush.py [--attempts 1000] [--smoke] [--record]
    make bench-rush [BENCH_ARGS=--record]

One run, one server (`make serve` with production settings, gunicorn, PostgreSQL):
1. a fresh database `rathaus_bench` (dropped and created), set up by `make serve`'s own steps;
2. the date D = today + 12 months (the date that opens today; a high-demand date goes to a
   lottery, so then 11 or 13 months) gets its release moment a few seconds from now, and all
   attempts are fired so that they arrive around that moment, aimed at D's slots;
3. throughput of `GET /api/v1/slots` for one date against a bare Django JSON view on the same
   server (rounds alternate, closed loop);
4. reservation rate (POSTs to distinct free slots) against pgbench running the same INSERTs
   (booking + venue and registrar allocations) under the same exclusion constraint;
5. checks in the database: no overlapping active allocations, no slot held twice, no partial
   booking, every answered 201 stored.
Exits 1 when a target is missed. Only 127.0.0.1 is contacted; every phase is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    DEFAULT_SERVER,
    Answer,
    Server,
    closed_loop,
    database_recreate,
    django_setup,
    http,
    integrity,
    letters,
    log,
    machine_line,
    percentile,
    pgbench,
    postgres_version,
    record,
    references_missing,
    reservation_request,
    sql,
    verdict,
)

TARGET_SLOTS_RATIO = 0.50
TARGET_RESERVE_RATIO = 0.10


# --- planning inside the bench process (Django on the bench database) ---------------------


def release_day_pick():
    """D = today + horizon months, not a high-demand date; the policy follows the choice."""
    from dateutil.relativedelta import relativedelta

    from rathaus.core.timezone import local_today
    from rathaus.weddings.dates import is_high_demand
    from rathaus.weddings.models import ReservationPolicy
    from rathaus.weddings.selectors import ceremony_slots_free

    today = local_today()
    for months in (12, 11, 13, 10, 14):
        day = today + relativedelta(months=months)
        if is_high_demand(day):
            continue
        slots = ceremony_slots_free(first=day, last=day, apply_policy=False)
        if slots:
            ReservationPolicy.objects.update(horizon_months=months)
            return day, months, [(s.venue.slug, s.start.isoformat()) for s in slots]
    raise SystemExit("no date 10–14 months ahead has slots")


def open_slots_before(day):
    """Free slots of every released date before D (for the reservation-rate phase)."""
    from rathaus.weddings.selectors import ceremony_slots_free

    slots = ceremony_slots_free(first=day - timedelta(days=400), last=day - timedelta(days=1))
    return [(s.venue.slug, s.start.isoformat()) for s in slots]


def release_at(moment: float) -> bool:
    """Sets the policy's release time; False when the field does not exist (yet)."""
    from rathaus.core.timezone import BERLIN
    from rathaus.weddings.models import ReservationPolicy

    if not any(f.name == "release_time" for f in ReservationPolicy._meta.get_fields()):
        return False
    ReservationPolicy.objects.update(
        release_time=datetime.fromtimestamp(moment, BERLIN).time().replace(microsecond=0)
    )
    return True


# --- phases -------------------------------------------------------------------------------


async def rush(port: int, run: str, slots: list, attempts: int, opens: float, spread: tuple):
    """Every attempt opens its own connection at its own moment around `opens`."""
    rng = random.Random(5)
    early, late = spread

    async def attempt(number: int) -> Answer:
        venue, start = slots[number % len(slots)]
        await asyncio.sleep(max(0.0, opens + rng.uniform(-early, late) - time.time()))
        method, path, payload, headers = reservation_request(run, number, venue, start)
        return await http(port, method, path, payload=payload, headers=headers, timeout=120)

    return await asyncio.gather(*(attempt(n) for n in range(attempts)))


def classify(answers: list[Answer]) -> Counter:
    kinds = Counter()
    for answer in answers:
        if answer.status is None:
            kinds[f"no answer ({answer.error})"] += 1
        elif answer.status == 201:
            kinds["201"] += 1
        elif answer.status == 422 and "opens for reservations" in answer.body.decode(
            errors="ignore"
        ):
            kinds["422 early (not released yet)"] += 1
        elif answer.status == 409:
            kinds["409"] += 1
        else:
            kinds[str(answer.status)] += 1
    return kinds


async def throughput(port: int, day_path: str, connections: int, seconds: float, rounds: int):
    totals = {"bare": [0, 0.0, []], "slots": [0, 0.0, []]}
    paths = {"bare": "/bench/bare", "slots": day_path}
    for _ in range(rounds):
        for name in ("bare", "slots"):
            answers, elapsed = await closed_loop(
                port, lambda _i, p=paths[name]: ("GET", p, None, None), connections, seconds
            )
            good = [a for a in answers if a.status == 200]
            totals[name][0] += len(good)
            totals[name][1] += elapsed
            totals[name][2] += [a for a in answers if a.status != 200]
    return {
        name: {"rps": count / elapsed, "requests": count, "bad": bad}
        for name, (count, elapsed, bad) in totals.items()
    }


async def reserve_rate(port: int, run: str, slots: list, connections: int, seconds: float):
    def next_request(index: int):
        if index >= len(slots):
            return None
        venue, start = slots[index]
        return reservation_request(run, 100_000 + index, venue, start)

    return await closed_loop(port, next_request, connections, seconds)


# One reservation's writes, raw: the booking, its venue and registrar allocations (under the
# exclusion constraint), its identity keys, the reservation row, its audit entry, its
# idempotency record and its e-mail in the outbox (bodies of the sizes the confirmation e-mail
# has), in one transaction.
PGBENCH_RESERVATION = """
SELECT nextval('bench_pgbench_seq') AS n \\gset
\\set venue random(:venue_min, :venue_max)
\\set registrar random(:registrar_min, :registrar_max)
BEGIN;
INSERT INTO scheduling_booking (created_at, updated_at, purpose, status, expires_at, start, "end")
VALUES (now(), now(), 'pgbench', 'hold', now() + interval '2 hours',
        timestamptz '2100-01-01 00:00+00' + :n * interval '3 hours',
        timestamptz '2100-01-01 00:45+00' + :n * interval '3 hours')
RETURNING id AS booking \\gset
INSERT INTO scheduling_allocation (booking_id, resource_id, start, "end", active, expires_at)
VALUES (:booking, :venue, timestamptz '2100-01-01 00:00+00' + :n * interval '3 hours',
        timestamptz '2100-01-01 00:45+00' + :n * interval '3 hours', true,
        now() + interval '2 hours'),
       (:booking, :registrar, timestamptz '2099-12-31 23:30+00' + :n * interval '3 hours',
        timestamptz '2100-01-01 01:15+00' + :n * interval '3 hours', true,
        now() + interval '2 hours');
INSERT INTO scheduling_bookingidentity (booking_id, key)
VALUES (:booking, 'wedding-email:pgbench-' || :n || '@example.org'),
       (:booking, 'wedding-couple:benchpgbench|pgbenchrush' || :n);
INSERT INTO weddings_reservation (
    created_at, updated_at, reference, status, start, "end", partner1_given_name,
    partner1_family_name, partner2_given_name, partner2_family_name, email, phone, guests,
    language, note, token_nonce, notice_deadline, cancelled_reason, fee_eur, booking_id,
    registrar_id, venue_id, ics_sequence, email_key, couple_key)
VALUES (now(), now(), 'PB-' || :n, 'pending',
        timestamptz '2100-01-01 00:00+00' + :n * interval '3 hours',
        timestamptz '2100-01-01 00:45+00' + :n * interval '3 hours', 'Bench', 'Pgbench',
        'Rush', 'Pgbench', 'pgbench-' || :n || '@example.org', '', 2, 'de', '',
        md5(:n::text), current_date + 30, '', 120, :booking, :registrar_row, :venue_row, 0,
        'pgbench-' || :n || '@example.org', 'benchpgbench|pgbenchrush' || :n)
RETURNING id AS reservation \\gset
INSERT INTO audit_auditentry (created_at, actor_name, code, object_id, object_label, data,
                              content_type_id)
VALUES (now(), '', 'pgbench', :reservation, 'PB-' || :n, '{}', :content_type);
INSERT INTO core_idempotencyrecord (scope, key_digest, fingerprint, object_id, created_at)
VALUES ('pgbench', md5('k' || :n) || md5('l' || :n), md5('f' || :n) || md5('g' || :n),
        :reservation, now());
INSERT INTO core_outboxmessage ("to", from_email, subject, text, html, attachments, created_at,
                                attempts, next_attempt_at, last_error)
VALUES ('pgbench-' || :n || '@example.org', 'Standesamt Bottrop <standesamt@bottrop.example>',
        repeat('s', 62), repeat('t', 640), repeat('h', 950), '[]', now(), 0,
        now() + interval '1 day', '');
END;
"""

# Only the scheduling core's writes (booking + allocations): shown for comparison.
PGBENCH_BOOKING = PGBENCH_RESERVATION[: PGBENCH_RESERVATION.index("INSERT INTO weddings_")]
PGBENCH_BOOKING += "END;\n"

PGBENCH_CLEANUP = [
    "DELETE FROM core_outboxmessage WHERE \"to\" LIKE 'pgbench-%'",
    "DELETE FROM core_idempotencyrecord WHERE scope = 'pgbench'",
    "DELETE FROM audit_auditentry WHERE code = 'pgbench'",
    "DELETE FROM weddings_reservation WHERE reference LIKE 'PB-%'",
    "DELETE FROM scheduling_allocation WHERE booking_id IN "
    "(SELECT id FROM scheduling_booking WHERE purpose = 'pgbench')",
    "DELETE FROM scheduling_bookingidentity WHERE booking_id IN "
    "(SELECT id FROM scheduling_booking WHERE purpose = 'pgbench')",
    "DELETE FROM scheduling_booking WHERE purpose = 'pgbench'",
]


def pgbench_rate(url: str, script: str, clients: int, seconds: int) -> dict:
    """Raw INSERT rate of `script` with distinct ranges (all succeed), same constraint."""
    sql(url, "CREATE SEQUENCE IF NOT EXISTS bench_pgbench_seq")
    bounds = {}
    for kind, name in (("ceremony_room", "venue"), ("registrar", "registrar")):
        low, high, count = sql(
            url,
            "SELECT min(id), max(id), count(*) FROM scheduling_resource WHERE kind = %s",
            (kind,),
        )[0]
        if high - low + 1 != count:
            high = low  # ids not contiguous: use one resource (ranges stay distinct anyway)
        bounds[f"{name}_min"], bounds[f"{name}_max"] = low, high
    bounds["venue_row"] = sql(url, "SELECT min(id) FROM weddings_venue")[0][0]
    bounds["registrar_row"] = sql(url, "SELECT min(id) FROM weddings_registrar")[0][0]
    bounds["content_type"] = sql(
        url,
        "SELECT id FROM django_content_type WHERE app_label = 'weddings' AND model = 'reservation'",
    )[0][0]
    try:
        return pgbench(url, script, clients, seconds, bounds)
    finally:
        for statement in PGBENCH_CLEANUP:
            sql(url, statement)


# --- the run ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None, help="WEB_CONCURRENCY (make serve)")
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER))
    parser.add_argument("--database", default="rathaus_bench")
    parser.add_argument("--lead", type=float, default=6.0, help="seconds until the release")
    parser.add_argument("--early", type=float, default=1.0, help="fire up to this long before")
    parser.add_argument("--late", type=float, default=1.0, help="… and up to this long after")
    parser.add_argument("--connections", type=int, default=16, help="closed-loop clients")
    parser.add_argument("--seconds", type=float, default=6.0, help="per throughput round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--reserve-seconds", type=float, default=10.0)
    parser.add_argument("--reserve-connections", type=int, default=8)
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="100 attempts, short phases")
    parser.add_argument("--record", action="store_true", help="append to docs/benchmarks.md")
    args = parser.parse_args()
    if args.smoke:
        args.attempts, args.seconds, args.rounds = min(args.attempts, 100), 2.0, 1
        args.reserve_seconds, args.pgbench_seconds, args.lead = 3.0, 3, 4.0

    run = letters(int(time.time()) % 100_000)
    url = database_recreate(args.server, args.database)
    log(f"database {args.database} created; starting make serve")
    server = Server(url, workers=args.workers)
    try:
        setup_seconds = server.start()
        workers = len(server.worker_pids())
        log(f"server up on 127.0.0.1:{server.port} with {workers} workers ({setup_seconds:.0f} s)")
        django_setup(server)
        day, months, slots = release_day_pick()
        other_slots = open_slots_before(day)
        random.Random(6).shuffle(other_slots)
        day_path = f"/api/v1/slots?from={(day - timedelta(days=7)).isoformat()}"
        day_path += f"&to={(day - timedelta(days=7)).isoformat()}"

        async def warm_up():
            for _ in range(3):
                await asyncio.gather(
                    *(http(server.port, "GET", p) for p in ["/bench/bare", day_path] * workers)
                )

        asyncio.run(warm_up())

        opens = math.ceil(time.time() + args.lead)
        released = release_at(opens)
        log(
            f"rush: {args.attempts} attempts at {len(slots)} slots of {day} "
            f"(+{months} months); release at {datetime.fromtimestamp(opens):%H:%M:%S}"
            + ("" if released else " (no release_time field: the date is open already)")
        )
        started = time.time()
        answers = asyncio.run(
            rush(server.port, run, slots, args.attempts, opens, (args.early, args.late))
        )
        rush_seconds = max(a.finished for a in answers) - min(a.started for a in answers)
        kinds = classify(answers)
        latencies = [a.latency * 1000 for a in answers if a.status is not None]
        created = [a.json().get("reference") for a in answers if a.status == 201]
        details = Counter(
            (a.status, str(a.json().get("detail"))[:90]) for a in answers if a.status != 201
        )
        log(f"rush done in {time.time() - started:.1f} s: {dict(kinds)}")

        # A running system has planner statistics (autovacuum analyzes a table after 10 % of
        # its rows changed); a database filled seconds ago has none yet.
        sql(url, "ANALYZE")
        log("throughput: slots API vs bare view")
        figures = asyncio.run(
            throughput(server.port, day_path, args.connections, args.seconds, args.rounds)
        )
        slots_ratio = figures["slots"]["rps"] / figures["bare"]["rps"]

        log(f"reservation rate: {args.reserve_connections} clients, distinct free slots")
        reserve_answers, reserve_elapsed = asyncio.run(
            reserve_rate(
                server.port, run, other_slots, args.reserve_connections, args.reserve_seconds
            )
        )
        reserve_kinds = Counter(a.status for a in reserve_answers)
        reserve_created = [a.json().get("reference") for a in reserve_answers if a.status == 201]
        reserve_rps = len(reserve_created) / reserve_elapsed
        reserve_latency = [a.latency * 1000 for a in reserve_answers if a.status == 201]
        worker_errors = server.log_count("Traceback")
        server.outbox_drain()
    finally:
        server.stop()

    log("checking the database")
    checks_db = integrity(url)
    missing = references_missing(url, created + reserve_created)
    day_held = sql(
        url,
        "SELECT count(*) FROM weddings_reservation WHERE start >= %s AND start < %s "
        "AND status IN ('pending', 'reserved', 'confirmed')",
        (
            datetime.fromisoformat(slots[0][1]).replace(hour=0, minute=0),
            datetime.fromisoformat(slots[0][1]).replace(hour=0, minute=0) + timedelta(days=1),
        ),
    )[0][0]
    version = postgres_version(url)

    log(f"pgbench: {args.reserve_connections} clients, {args.pgbench_seconds} s, two scripts")
    raw = pgbench_rate(url, PGBENCH_RESERVATION, args.reserve_connections, args.pgbench_seconds)
    raw_core = pgbench_rate(url, PGBENCH_BOOKING, args.reserve_connections, args.pgbench_seconds)
    reserve_ratio = reserve_rps / raw["tps"] if raw["tps"] else 0.0
    core_ratio = reserve_rps / raw_core["tps"] if raw_core["tps"] else 0.0
    # A sent row keeps no recipient (rathaus/core/outbox.py); the database is this run's own
    # and pgbench's rows are never sent, so every sent row is one of the run's e-mails.
    mails_sent = sql(url, "SELECT count(*) FROM core_outboxmessage WHERE sent_at IS NOT NULL", ())[
        0
    ][0]

    server_errors = sum(1 for a in answers + reserve_answers if a.status and a.status >= 500)
    server_errors += sum(
        len([a for a in f["bad"] if a.status and a.status >= 500]) for f in figures.values()
    )
    no_answer = sum(1 for a in answers + reserve_answers if a.status is None)

    rows = [
        f"### bench/rush.py — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
        + (" (smoke)" if args.smoke else ""),
        "",
        f"Machine: {machine_line(version)}. `make serve` (production settings, gunicorn "
        f"{workers} sync workers, whitenoise), load client on the same cores. Command: "
        f"`.venv/bin/python bench/rush.py{' --smoke' if args.smoke else ''}`.",
        "",
        f"**Rush** — {args.attempts} attempts at the {len(slots)} slots of {day:%d.%m.%Y} "
        f"(today + {months} months), fired {args.early:g} s before to {args.late:g} s after "
        f"the release moment{'' if released else ' (no release time: date already open)'}; "
        f"all answered within {rush_seconds:.1f} s.",
        "",
        "| answer | count |",
        "|---|---|",
        *(f"| {kind} | {count} |" for kind, count in sorted(kinds.items())),
        "",
        f"Latency (all answers): p50 {percentile(latencies, 0.5):.0f} ms, "
        f"p95 {percentile(latencies, 0.95):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms, "
        f"max {max(latencies, default=0):.0f} ms. Slots of the date held afterwards: "
        f"{day_held} of {len(slots)}.",
        "",
        "| comparison | rate | against | ratio | target |",
        "|---|---|---|---|---|",
        f"| `GET /api/v1/slots` one date ({args.connections} connections) | "
        f"{figures['slots']['rps']:.0f} req/s | bare JSON view {figures['bare']['rps']:.0f} req/s"
        f" | {slots_ratio:.0%} | ≥ {TARGET_SLOTS_RATIO:.0%} |",
        f"| `POST /api/v1/reservations` distinct slots ({args.reserve_connections} connections)"
        f" | {reserve_rps:.0f} created/s (p50 {percentile(reserve_latency, 0.5):.0f} ms) | "
        f"pgbench, the reservation's INSERTs {raw['tps']:.0f} tps | {reserve_ratio:.1%} | "
        f"≥ {TARGET_RESERVE_RATIO:.0%} |",
        f"| (the same) | | pgbench, only booking + allocations {raw_core['tps']:.0f} tps | "
        f"{core_ratio:.1%} | for comparison |",
        "",
        f"E-mails: the outbox worker (`outbox_send --forever`) ran beside gunicorn and sent "
        f"{mails_sent} confirmation e-mails for {len(created) + len(reserve_created)} "
        f"reservations answered 201.",
        "",
        f"Database afterwards: {checks_db['overlapping_pairs']} overlapping active allocations, "
        f"{checks_db['slots_taken_twice']} slots held twice, {checks_db['partial_bookings']} "
        f"partial bookings, {len(missing)} answered-201 references missing "
        f"(of {len(created) + len(reserve_created)}).",
        "",
    ]
    print("\n" + "\n".join(rows))
    if details:
        print("Refusals by detail:")
        for (status, detail), count in details.most_common(8):
            print(f"  {count:5d} × {status} {detail}")
    print(
        f"Reservation phase answers: {dict(reserve_kinds)}; tracebacks in the log: {worker_errors}"
    )
    checks = [
        ("each slot at most once", checks_db["slots_taken_twice"] == 0, "DB"),
        ("no overlapping allocations", checks_db["overlapping_pairs"] == 0, "DB"),
        ("no partial bookings", checks_db["partial_bookings"] == 0, "DB"),
        ("every 201 stored", not missing, f"{len(missing)} missing"),
        ("201s = slots held on D", kinds["201"] == day_held, f"{kinds['201']} vs {day_held}"),
        ("0 answers ≥ 500", server_errors == 0, f"{server_errors}"),
        (
            "every 201's e-mail sent",
            mails_sent == len(created) + len(reserve_created),
            f"{mails_sent} of {len(created) + len(reserve_created)}",
        ),
        ("every attempt answered", no_answer == 0, f"{no_answer} without answer"),
    ]
    if not args.smoke:
        checks += [
            ("slots API ≥ 50 % of bare", slots_ratio >= TARGET_SLOTS_RATIO, f"{slots_ratio:.0%}"),
            (
                "reservations ≥ 10 % of pgbench",
                reserve_ratio >= TARGET_RESERVE_RATIO,
                f"{reserve_ratio:.1%}",
            ),
        ]
    print("Targets:")
    code = verdict(checks)
    if args.record:
        record(rows)
    if code:
        print(f"server log: {server.log_path}")
    return code


if __name__ == "__main__":
    sys.exit(main())
