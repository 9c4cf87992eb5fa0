"""Same-day draw benchmark: a Dortmund-size morning (issue 14).

    .venv/bin/python bench/sameday.py [--smoke] [--record] [--backends sqlite,postgresql]
                                      [--no-http]

1. The draw, in-process, once per backend (a fresh database each): a location with 150
   counters open 08:00–18:00, 50 % kept for the same day (75 counters × 40 times of 15
   minutes = 3,000 same-day times); 20,000 requests entered through `request_submit` (the
   request endpoint's service) inside the window, 30 % with an urgent reason; then the draw
   at the window's close, timed (allocation + all 3,000 appointments through one booking-door
   transaction), then the 20,000 e-mails into the outbox, timed apart. Checks: 3,000
   appointments, no two active allocations of a counter overlap, the published document
   verifies, 20,000 e-mails queued. Target: the draw under 10 s.
2. The request endpoint over HTTP (PostgreSQL, `make serve` with production settings and
   gunicorn, as bench/rush.py): closed-loop rounds alternate between a bare Django JSON view
   (`/bench/bare`) and POSTs of the request form (CSRF token and cookie fetched once; every
   POST a new person and address), until 20,000 requests are in or the rounds end; a short
   first round of each kind is not counted (every worker has then served both). Target:
   the request endpoint holds ≥ 50 % of the bare view's throughput.
Only 127.0.0.1 is contacted; every phase is bounded. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    DEFAULT_SERVER,
    HOST,
    Answer,
    Server,
    database_recreate,
    django_setup,
    log,
    machine_line,
    postgres_version,
    record,
    verdict,
)

TARGET_DRAW_SECONDS = 10.0
TARGET_REQUEST_RATIO = 0.50
COUNTERS = 150
KEPT_PERCENT = 50
SERVICE_MINUTES = 15


# --- world ------------------------------------------------------------------------------------


def world_make(*, counters: int, day, opens, closes, hours=None):
    """A location `bench-heute` with `counters` counters (open `hours` on `day`'s weekday),
    half of them kept, and one 15-minute service. Returns the location."""
    from datetime import time

    from rathaus.appointments.constants import KIND_COUNTER, LocationKind
    from rathaus.appointments.models import Counter, Location, Service
    from rathaus.scheduling.constants import SlotMode
    from rathaus.scheduling.models import Resource, WeeklyRule

    hours = hours or (time(8), time(18))
    location = Location.objects.create(
        slug="bench-heute",
        kind=LocationKind.CITIZEN_OFFICE,
        name_de="Bürgerbüro Benchmark",
        name_en="Citizens' office benchmark",
        address="Benchmarkplatz 1",
        same_day_percent=KEPT_PERCENT,
        same_day_opens=opens,
        same_day_closes=closes,
        same_day_urgent_percent=30,
        max_active_per_person=2,
        max_active_per_email=3,
    )
    service = Service.objects.create(
        slug="bench-ausweis",
        name_de="Benchmark-Ausweis",
        name_en="Benchmark ID",
        minutes=SERVICE_MINUTES,
        combination_group="identity",
    )
    service.locations.add(location)
    for number in range(1, counters + 1):
        resource = Resource.objects.create(
            kind=KIND_COUNTER, slug=f"bench-heute-{number}", name=f"Schalter {number}"
        )
        WeeklyRule.objects.create(
            resource=resource,
            weekday=day.weekday(),
            start_time=hours[0],
            end_time=hours[1],
            slot_mode=SlotMode.WINDOW,
            slot_minutes=0,
        )
        counter = Counter.objects.create(
            location=location, resource=resource, name=f"Schalter {number}"
        )
        counter.services.add(service)
    return location


def person(number: int):
    from datetime import date

    from rathaus.appointments.sameday.services.requests import PersonWish

    return PersonWish(
        given_name=_letters(number),
        family_name="Bench",
        date_of_birth=date(1960 + number % 50, 1 + number % 12, 1 + number % 28),
        services=(("bench-ausweis", 1),),
    )


def _letters(number: int) -> str:
    text = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        text = "abcdefghijklmnopqrstuvwxyz"[rest] + text
    return text.capitalize()


# --- phase 1: the draw, in a child process per backend ----------------------------------------


def draw_phase(requests: int) -> dict:
    """Runs inside the child (Django set up on a fresh database)."""
    from datetime import time as clock
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection

    from rathaus.appointments.models import Appointment
    from rathaus.appointments.sameday.constants import Reason
    from rathaus.appointments.sameday.models import SameDayDraw
    from rathaus.appointments.sameday.pure_draw import document_verify
    from rathaus.appointments.sameday.selectors import draw_document
    from rathaus.appointments.sameday.services.draw_run import draw_run
    from rathaus.appointments.sameday.services.notify import draw_notify
    from rathaus.appointments.sameday.services.requests import request_submit
    from rathaus.core.models import OutboxMessage
    from rathaus.core.timezone import local_datetime, local_today

    call_command("migrate", verbosity=0)
    today = local_today()
    day = today + timedelta(days=7 - today.weekday() + 7)  # a Monday two weeks ahead
    location = world_make(counters=COUNTERS, day=day, opens=clock(7), closes=clock(7, 45))
    opens = local_datetime(day, clock(7))
    reasons = [Reason.OTHER] * 7 + [
        Reason.LOST_DOCUMENT,
        Reason.TRAVEL,
        Reason.REGISTRATION_DEADLINE,
    ]
    started = time.perf_counter()
    for number in range(requests):
        request_submit(
            location=location,
            persons=[person(number)],
            email=f"bench-{number}@example.org",
            reason=reasons[number % len(reasons)],
            language="de",
            now=opens + timedelta(seconds=number * 2700 / requests),
        )
    entering = time.perf_counter() - started
    draw = SameDayDraw.objects.get(location=location, day=day)
    closes = local_datetime(day, clock(7, 45))
    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
    assert draw_run(draw=draw, now=closes, notify=False)
    drawing = time.perf_counter() - started
    if os.environ.get("BENCH_PROFILE"):
        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(70)
    started = time.perf_counter()
    mails = draw_notify(draw=draw, now=closes)
    notifying = time.perf_counter() - started
    draw.refresh_from_db()
    document = json.loads(json.dumps(draw_document(draw)))
    problems = document_verify(document, commitment=draw.seed_commitment)
    overlaps = _overlaps(connection)
    return {
        "vendor": connection.vendor,
        "version": _version(connection),
        "requests": requests,
        "capacity": COUNTERS * KEPT_PERCENT // 100 * (600 // SERVICE_MINUTES),
        "appointments": Appointment.objects.count(),
        "urgent_quota_minutes": document["urgent_quota_minutes"],
        "enter_ms_per_request": entering * 1000 / requests,
        "draw_seconds": drawing,
        "notify_seconds": notifying,
        "mails": mails,
        "outbox": OutboxMessage.objects.count(),
        "overlapping_pairs": overlaps,
        "verify_problems": problems[:5],
    }


def _overlaps(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT resource_id, start, "end" FROM scheduling_allocation WHERE active '
            "ORDER BY resource_id, start"
        )
        rows = cursor.fetchall()
    clashes = 0
    for (resource, _start, end), (other, start, _end) in itertools.pairwise(rows):
        clashes += resource == other and start < end
    return clashes


def _version(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        return str(cursor.fetchone()[0])


def draw_child(backend: str, server: str, requests: int, database: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    scratch = Path(tempfile.mkdtemp(prefix="rathaus_sameday_bench_"))
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    else:
        env["DATABASE_URL"] = database_recreate(server, database)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings_bench",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"http://{HOST}",
        EMAIL_URL="dummymail://",
        RATHAUS_MAIL_SEND_ON_COMMIT="false",
        LOG_LEVEL="WARNING",
    )
    done = subprocess.run(
        [sys.executable, __file__, "--child-draw", str(requests)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"draw phase on {backend} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- phase 2: the request endpoint over HTTP ---------------------------------------------------


async def send(port: int, method: str, path: str, body: bytes = b"", headers=None) -> Answer:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    started = time.time()
    writer = None
    try:
        async with asyncio.timeout(60):
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            await writer.drain()
            raw = await reader.read()
    except (OSError, TimeoutError) as error:
        return Answer(None, started, time.time(), error=type(error).__name__)
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
    head, _, content = raw.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(head_lines[0].split()[1])
    except (IndexError, ValueError):
        return Answer(None, started, time.time(), error="BadStatusLine")
    answer_headers = {}
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        answer_headers.setdefault(name.strip().lower(), []).append(value.strip())
    return Answer(status, started, time.time(), answer_headers, content)


async def loop(port, make, connections: int, seconds: float, limit: int):
    answers: list[Answer] = []
    numbers = iter(range(limit))
    deadline = time.monotonic() + seconds

    async def client():
        while time.monotonic() < deadline:
            number = next(numbers, None)
            if number is None:
                return
            answers.append(await send(port, *make(number)))

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(connections)))
    return answers, time.monotonic() - started


def http_phase(args) -> dict:
    from datetime import datetime, timedelta

    url = database_recreate(args.server, args.database + "_http")
    server = Server(url, workers=args.workers)
    try:
        server.start()
        workers = len(server.worker_pids())
        django_setup(server)
        from rathaus.core.timezone import BERLIN

        now = datetime.now(BERLIN)
        opens = (now - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
        closes = (now + timedelta(minutes=40)).time().replace(second=0, microsecond=0)
        if closes < opens:
            raise SystemExit("the window would cross midnight: run it at another time")
        from datetime import time as clock

        world_make(
            counters=10, day=now.date(), opens=opens, closes=closes, hours=(clock(0), clock(23, 55))
        )
        base_headers = {"X-Forwarded-Proto": "https", "Accept-Language": "de"}
        page = asyncio.run(
            send(server.port, "GET", "/buergerbuero/heute/bench-heute/", headers=base_headers)
        )
        if page.status != 200:
            raise RuntimeError(f"the request page answered {page.status}")
        cookie = next(
            value.split(";")[0]
            for value in page.headers.get("set-cookie", [])
            if value.split("=", 1)[0].endswith("csrftoken")
        )
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
        headers = {"Cookie": cookie, "Referer": f"https://{HOST}:{server.port}/"}

        def post_build(number: int):
            form = {
                "csrfmiddlewaretoken": token.decode(),
                "p1_given_name": _letters(number),
                "p1_family_name": "Http",
                "p1_date_of_birth": f"{1950 + number % 60}-{1 + number % 12:02d}-"
                f"{1 + number % 28:02d}",
                "p1_services": "bench-ausweis",
                "email": f"http-{number}@example.org",
                "reason": "travel" if number % 3 == 0 else "other",
            }
            return (
                "POST",
                "/buergerbuero/heute/bench-heute/",
                urlencode(form).encode(),
                {
                    **base_headers,
                    **headers,
                },
            )

        # Every body is encoded before the rounds: the load client shares the server's cores,
        # and the bare view's requests cost it nothing to build either.
        bodies = [post_build(number) for number in range(args.requests)]

        def post(number: int):
            return bodies[number]

        def bare(_number: int):
            return "GET", "/bench/bare", b"", base_headers

        figures = {"bare": [0, 0.0], "request": [0, 0.0]}
        statuses: dict[int | None, int] = {}
        posted = 0
        # The first round of each kind is not counted: every worker has then served both once
        # (a worker's first POST loads the catalogue and compiles the address validator).
        for number in range(args.rounds + 1):
            seconds = args.seconds if number else min(2.0, args.seconds)
            for name in ("bare", "request"):
                offset = posted
                maker = bare if name == "bare" else (lambda n, o=offset: post(o + n))
                limit = 10**6 if name == "bare" else max(0, args.requests - posted)
                if limit == 0:
                    continue
                answers, elapsed = asyncio.run(
                    loop(server.port, maker, args.connections, seconds, limit)
                )
                if name == "request":
                    posted += len(answers)
                    for answer in answers:
                        statuses[answer.status] = statuses.get(answer.status, 0) + 1
                if number:
                    wanted = 200 if name == "bare" else 302
                    figures[name][0] += sum(1 for answer in answers if answer.status == wanted)
                    figures[name][1] += elapsed
        from rathaus.appointments.sameday.models import SameDayRequest

        stored = SameDayRequest.objects.count()
        return {
            "workers": workers,
            "version": postgres_version(url),
            "bare_rps": figures["bare"][0] / figures["bare"][1],
            "request_rps": figures["request"][0] / figures["request"][1],
            "posted": posted,
            "stored": stored,
            "statuses": {str(k): v for k, v in statuses.items()},
        }
    finally:
        server.stop()


# --- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child-draw", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER))
    parser.add_argument("--database", default="rathaus_bench_sameday", help="dropped, created")
    parser.add_argument("--workers", type=int, default=None, help="WEB_CONCURRENCY (make serve)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8.0, help="per throughput round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="2,000 requests, short rounds")
    parser.add_argument("--record", action="store_true", help="append to docs/benchmarks.md")
    args = parser.parse_args()
    if args.child_draw:
        import django

        django.setup()
        print(json.dumps(draw_phase(args.child_draw)))
        return 0
    if args.smoke:
        args.requests, args.seconds, args.rounds = 2_000, 2.0, 1

    results = {}
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        log(f"draw on {backend}: {args.requests} requests for {COUNTERS // 2 * 40} times")
        results[backend] = draw_child(backend, args.server, args.requests, args.database)
        log(f"  {results[backend]}")
    http = None
    if not args.no_http:
        log("request endpoint vs bare view over HTTP (make serve, PostgreSQL)")
        http = http_phase(args)
        log(f"  {http}")

    checks = []
    for backend, r in results.items():
        expect = min(r["capacity"], r["requests"])
        checks += [
            (f"{backend}: draw < {TARGET_DRAW_SECONDS:.0f} s",
             r["draw_seconds"] < TARGET_DRAW_SECONDS,
             f"{r['draw_seconds']:.2f} s for {r['requests']} requests"),
            (f"{backend}: every time allocated", r["appointments"] == expect,
             f"{r['appointments']} of {expect}"),
            (f"{backend}: no overlap", r["overlapping_pairs"] == 0, str(r["overlapping_pairs"])),
            (f"{backend}: document verifies", not r["verify_problems"], str(r["verify_problems"])),
            (f"{backend}: everyone mailed", r["mails"] == r["requests"], f"{r['mails']} e-mails"),
        ]  # fmt: skip
    if http:
        ratio = http["request_rps"] / http["bare_rps"]
        checks += [
            (f"request endpoint ≥ {TARGET_REQUEST_RATIO:.0%} of bare",
             ratio >= TARGET_REQUEST_RATIO,
             f"{http['request_rps']:.0f} vs {http['bare_rps']:.0f} req/s = {ratio:.0%}"),
            ("every 302 stored once", http["stored"] == http["statuses"].get("302", 0),
             f"{http['stored']} stored, answers {http['statuses']}"),
        ]  # fmt: skip
    code = verdict(checks)
    if args.record and not args.smoke:
        lines = [
            "",
            f"### Run {time.strftime('%Y-%m-%d %H:%M')} — {machine_line(_pg(results, http))}",
            "",
        ]
        lines += [
            "| backend | requests | appointments | enter (ms/request, in-process) | draw "
            "| e-mails queued |",
            "|---|---|---|---|---|---|",
        ]
        for backend, r in results.items():
            lines.append(
                f"| {backend} {r['version']} | {r['requests']:,} | {r['appointments']:,} | "
                f"{r['enter_ms_per_request']:.2f} | {r['draw_seconds']:.2f} s | "
                f"{r['notify_seconds']:.2f} s |"
            )
        if http:
            lines += [
                "",
                f"Request endpoint over HTTP ({http['workers']} gunicorn workers, PostgreSQL "
                f"{http['version']}, {args.connections} connections, {args.rounds} alternating "
                f"rounds of {args.seconds:.0f} s): **{http['request_rps']:.0f} req/s** against "
                f"the bare JSON view's {http['bare_rps']:.0f} req/s = "
                f"**{http['request_rps'] / http['bare_rps']:.0%}** (target ≥ 50 %); "
                f"{http['posted']:,} requests posted, {http['stored']:,} stored.",
            ]
        record(lines)
    return code


def _pg(results, http) -> str:
    if http:
        return f"PostgreSQL {http['version']}"
    version = results.get("postgresql", {}).get("version")
    return f"PostgreSQL {version}" if version else "SQLite"


if __name__ == "__main__":
    raise SystemExit(main())
