"""Enforcement benchmark (issue 17): the online plate lookup under a fixed rate, and the size
of the revocation list.

    .venv/bin/python bench/plate_lookup.py [--seconds 30] [--rate 200] [--permits 10000]
                                           [--record] [--smoke]

The application runs as `make serve` runs it (gunicorn, production settings) on a fresh
PostgreSQL database. The bench seeds `--permits` digital permits (resident, temporary and
visitor, one in twenty revoked), an officer with a confirmed TOTP authenticator, logs the
officer in over HTTP (password, then the TOTP code computed from the device's key), and then
sends `POST /kontrolle/api/kennzeichen/` at a fixed rate (open loop: a request starts at its
planned time whether or not the earlier ones were answered), one connection per request:

- seven in ten lookups type a plate that has a permit, with separators ("BOT-AB 123");
- two in ten type it without separators ("BOTAB123"; every reading is looked up);
- one in ten a plate without a permit; half of all lookups name a zone.

Latency is from the planned start to the last byte of the answer (queueing included): p50,
p95, p99 and max, and the rate achieved. Every answer must be 200 with the expected verdict,
and the database must hold one log row and one tally count per answer.

Then every permit is revoked and the revocation list (`/kontrolle/sperrliste.json`) fetched:
its size in bytes and gzip-compressed. Targets: p99 ≤ 20 ms at 200 lookups/s; the list for
10,000 permits under 100 KB. Only 127.0.0.1 is contacted; every loop is bounded in time.
Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import os
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    BASE_HEADERS,
    DEFAULT_SERVER,
    HOST,
    Server,
    database_recreate,
    django_setup,
    log,
    machine_line,
    percentile,
    postgres_version,
    record,
    verdict,
)

TARGET_P99_MS = 20.0
TARGET_LIST_BYTES = 100_000
PASSWORD = "Bench-Kontrolle-2027"  # a throw-away bench database
LETTERS = "ABCDEFGHIJKLMNOPRSTUVWXZ"


# --- a small HTTP client with cookies (one connection per request) ---------------------------


@dataclass
class Reply:
    status: int | None
    started: float
    finished: float
    cookies: dict
    body: bytes = b""


class Browser:
    """Cookies and the CSRF token of one signed-in officer."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def csrf(self) -> str:
        return next((v for k, v in self.cookies.items() if k.endswith("csrftoken")), "")

    async def request(
        self, method: str, path: str, form: dict | None = None, timeout: float = 30
    ) -> Reply:
        body = urlencode(form).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "Connection: close"]
        headers = {**BASE_HEADERS, "Origin": f"https://{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Content-Length"] = str(len(body))
            headers["X-CSRFToken"] = self.csrf()
        lines += [f"{name}: {value}" for name, value in headers.items()]
        started = time.time()
        writer = None
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(HOST, self.port)
                writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
                await writer.drain()
                raw = await reader.read()
        except (OSError, TimeoutError):
            return Reply(None, started, time.time(), {})
        finally:
            if writer is not None:
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()
        finished = time.time()
        head, _, content = raw.partition(b"\r\n\r\n")
        head_lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(head_lines[0].split()[1])
        except (IndexError, ValueError):
            return Reply(None, started, finished, {})
        cookies = {}
        for line in head_lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "set-cookie":
                pair = value.strip().split(";", 1)[0]
                key, _, cookie = pair.partition("=")
                cookies[key] = cookie
        if "chunked" in head.decode("latin-1").lower():
            content = _unchunk(content)
        return Reply(status, started, finished, cookies, content)

    async def call(
        self, method: str, path: str, form: dict | None = None, timeout: float = 30
    ) -> Reply:
        reply = await self.request(method, path, form, timeout)
        self.cookies.update(reply.cookies)
        return reply


def _unchunk(data: bytes) -> bytes:
    out, rest = b"", data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


def _form_token(html: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1).decode() if match else ""


async def officer_login(port: int, username: str, device) -> Browser:
    """Password, then the TOTP code: as an officer signs in on the phone."""
    from django_otp.oath import totp

    browser = Browser(port)
    page = await browser.call("GET", "/login/")
    login = await browser.call(
        "POST",
        "/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": _form_token(page.body)},
    )
    assert login.status == 302, f"login answered {login.status}"
    page = await browser.call("GET", "/login/zwei-faktor/?next=/kontrolle/kennzeichen/")
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    verified = await browser.call(
        "POST",
        "/login/zwei-faktor/",
        {
            "token": code,
            "next": "/kontrolle/kennzeichen/",
            "csrfmiddlewaretoken": _form_token(page.body),
        },
    )
    assert verified.status == 302, f"second factor answered {verified.status}"
    check = await browser.call("GET", "/kontrolle/kennzeichen/")
    assert check.status == 200, f"lookup page answered {check.status}"
    return browser


# --- the world -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    typed: str
    zone: str
    expect_allowed: bool


def seed(count: int, rng: random.Random):
    """`count` permits on distinct plates (mixed kinds, 5 % revoked) on one application, and
    the officer with a confirmed authenticator; returns (cases of existing plates, device)."""
    from datetime import timedelta

    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from rathaus.accounts import roles
    from rathaus.accounts.services import roles_ensure, staff_user_ensure
    from rathaus.core.references import reference_draw
    from rathaus.core.timezone import local_today
    from rathaus.parking_permits import selectors
    from rathaus.parking_permits.constants import FeeKind, PermitKind, Status, UseBasis
    from rathaus.parking_permits.models import Application, Permit, Zone

    street = selectors.street_find("Osterfelder Straße")
    zones = list(Zone.objects.order_by("pk"))
    today = local_today()
    fee = selectors.fee_rule_on(FeeKind.PERMIT_1Y, today)
    application = Application.objects.create(
        reference="BP-2027-BNCH", nonce="0" * 32, status=Status.ISSUED, given_name="Bench",
        family_name="Holder", birth_date=today.replace(year=1980), email="bench@example.org",
        street=street, house_number="15", zone=zones[0], plate="BOT-A 1",
        use_basis=UseBasis.KEEPER, fee_kind=FeeKind.PERMIT_1Y, fee_rule=fee, amount=fee.amount,
        remittance="BP-2027-BNCH",
    )  # fmt: skip
    plates: set[str] = set()
    while len(plates) < count:
        letters = "".join(rng.choice(LETTERS) for _ in range(rng.choice((1, 2))))
        plates.add(f"BOT-{letters} {rng.randint(1, 999)}")
    numbers: set[str] = set()
    while len(numbers) < count:
        numbers.add(reference_draw("BOT", length=6))
    now = timezone.now()
    permits, cases = [], []
    for index, (plate, number) in enumerate(zip(sorted(plates), sorted(numbers), strict=True)):
        kind = (PermitKind.RESIDENT,) * 8 + (PermitKind.TEMPORARY, PermitKind.VISITOR)
        revoked = index % 20 == 0
        zone = zones[index % len(zones)]
        permits.append(
            Permit(
                number=number, kind=kind[index % 10], application=application, zone=zone,
                plate=plate, valid_from=today - timedelta(days=30),
                valid_until=today + timedelta(days=30 + index % 300), amount=0, key_id="bench",
                code="", issued_at=now, revoked_at=now if revoked else None,
            )
        )  # fmt: skip
        cases.append((plate, zone.slug, not revoked))
    Permit.objects.bulk_create(permits, batch_size=2000)
    roles_ensure()
    user, _ = staff_user_ensure(
        username="bench-kontrolle", password=PASSWORD, first_name="Bench", last_name="Kontrolle",
        role=roles.TRAFFIC_ENFORCEMENT,
    )  # fmt: skip
    device = TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    return cases, [z.slug for z in zones], device


def lookup_mix(cases, zone_slugs, count: int, rng: random.Random) -> list[Case]:
    mix = []
    for _ in range(count):
        plate, zone, allowed = rng.choice(cases)
        draw = rng.random()
        asked = rng.choice([zone, rng.choice(zone_slugs)]) if rng.random() < 0.5 else ""
        ok = allowed and asked in ("", zone)
        if draw < 0.7:
            mix.append(Case(plate, asked, ok))
        elif draw < 0.9:  # typed without separators: every reading, the real one among them
            mix.append(Case(plate.replace("-", "").replace(" ", ""), asked, ok))
        else:
            mix.append(Case(f"BOT-QQ {rng.randint(1, 999)}", asked, False))
    return mix


# --- the load --------------------------------------------------------------------------------


async def open_loop(browser: Browser, mix: list[Case], rate: float) -> list[tuple]:
    """Start request i at i / rate seconds; returns (case, reply, planned start)."""
    results: list[tuple] = []
    begin = time.time() + 0.2

    async def one(case: Case, planned: float) -> None:
        reply = await browser.request(
            "POST", "/kontrolle/api/kennzeichen/", {"kennzeichen": case.typed, "zone": case.zone}
        )
        results.append((case, reply, planned))

    tasks = []
    for index, case in enumerate(mix):
        planned = begin + index / rate
        delay = planned - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(case, planned)))
    await asyncio.gather(*tasks)
    return results


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of the processes (the gunicorn workers) so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            text = Path(f"/proc/{pid}/stat").read_text()
            fields = text[text.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


async def closed_loop(browser: Browser, requests, connections: int, seconds: float) -> float:
    """`connections` clients, each sending its next request when the last is answered;
    returns the answers per second (the capacity of the server today)."""
    deadline = time.monotonic() + seconds
    done = 0

    async def client(offset: int) -> None:
        nonlocal done
        index = offset
        while time.monotonic() < deadline:
            method, path, form = requests(index)
            reply = await browser.request(method, path, form)
            done += reply.status == 200
            index += connections

    started = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(connections)))
    return done / (time.monotonic() - started)


def check_answers(results) -> tuple[int, list[str]]:
    import json

    problems = []
    good = 0
    for case, reply, _planned in results:
        if reply.status != 200:
            problems.append(f"{case.typed}: status {reply.status}")
            continue
        data = json.loads(reply.body)
        allowed = any(reading["allowed"] for reading in data["readings"])
        if allowed != case.expect_allowed:
            problems.append(f"{case.typed} ({case.zone}): allowed {allowed}")
            continue
        good += 1
    return good, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--permits", type=int, default=10_000)
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER))
    parser.add_argument("--database", default="rathaus_bench_plate_lookup", help="dropped, created")
    parser.add_argument("--smoke", action="store_true", help="5 s; latency reported, not judged")
    parser.add_argument("--record", action="store_true", help="append to docs/benchmarks.md")
    args = parser.parse_args()
    if args.smoke:
        args.seconds = 5
    rng = random.Random(17)

    url = database_recreate(args.server, args.database)
    server = Server(url)
    try:
        log("make serve")
        server.start()
        django_setup(server)
        log(f"seeding {args.permits:,} permits and an officer")
        cases, zone_slugs, device = seed(args.permits, rng)
        browser = asyncio.run(officer_login(server.port, "bench-kontrolle", device))
        warm = lookup_mix(cases, zone_slugs, 200, rng)
        asyncio.run(open_loop(browser, warm, 50))  # every worker has connected and loaded
        from rathaus.parking_permits.enforcement.models import LookupLog, LookupTally

        log("capacity: the bare JSON view and the lookup, 4 connections, 8 s each")
        bare_rate = asyncio.run(
            closed_loop(Browser(server.port), lambda i: ("GET", "/bench/bare", None), 4, 8)
        )
        spare = lookup_mix(cases, zone_slugs, 20_000, rng)
        lookup_rate = asyncio.run(
            closed_loop(
                browser,
                lambda i: (
                    "POST",
                    "/kontrolle/api/kennzeichen/",
                    {
                        "kennzeichen": spare[i % len(spare)].typed,
                        "zone": spare[i % len(spare)].zone,
                    },
                ),
                4,
                8,
            )
        )
        time.sleep(2)  # the warm-up's last answers are written
        logged_before = LookupLog.objects.count()
        tallied_before = sum(LookupTally.objects.values_list("lookups", flat=True))
        mix = lookup_mix(cases, zone_slugs, int(args.seconds * args.rate), rng)
        log(f"{len(mix):,} lookups at {args.rate:.0f}/s")
        workers = server.worker_pids()
        cpu_before = cpu_seconds(workers)
        results = asyncio.run(open_loop(browser, mix, args.rate))
        cpu_used = cpu_seconds(workers) - cpu_before
        load = os.getloadavg()[0]
        first = min(planned for _, _, planned in results)
        elapsed = max(reply.finished for _, reply, _ in results) - first
        good, problems = check_answers(results)
        time.sleep(2)
        logged = LookupLog.objects.count() - logged_before
        cpu_ms = cpu_used * 1000 / max(1, logged)  # per lookup served
        tallied = sum(LookupTally.objects.values_list("lookups", flat=True)) - tallied_before

        log("revoking every permit, fetching the revocation list")
        from django.utils import timezone

        from rathaus.parking_permits.models import Permit

        Permit.objects.update(revoked_at=timezone.now())
        # an overloaded server may still work through lookups whose clients gave up
        listing = asyncio.run(browser.call("GET", "/kontrolle/sperrliste.json", timeout=300))
        list_bytes = len(listing.body)
        list_gzip = len(gzip.compress(listing.body))
        list_ms = (listing.finished - listing.started) * 1000
        import json

        listed = len(json.loads(listing.body)["revoked"]) // 6 if listing.status == 200 else 0
        version = postgres_version(url)
    finally:
        server.stop()

    latencies = [(reply.finished - planned) * 1000 for _, reply, planned in results]
    p = {q: percentile(latencies, q) for q in (0.5, 0.95, 0.99)}
    achieved = len(results) / elapsed if elapsed > 0 else 0
    checks = [
        ("every answer 200 with the expected verdict", not problems, "; ".join(problems[:3])),
        (
            "one log row and one tally count per lookup",
            logged == tallied and logged >= good,
            f"{logged} logged, {tallied} counted, {len(results)} answers",
        ),
        (
            f"lookup p99 ≤ {TARGET_P99_MS:.0f} ms at {args.rate:.0f}/s"
            + (" (smoke: not judged)" if args.smoke else ""),
            p[0.99] <= TARGET_P99_MS or args.smoke,  # smoke: correctness targets only
            f"p50 {p[0.5]:.1f} / p95 {p[0.95]:.1f} / p99 {p[0.99]:.1f} / max "
            f"{max(latencies):.1f} ms over {len(latencies):,} lookups, {achieved:.0f}/s achieved",
        ),
        (
            "worker CPU per lookup (what 200/s costs on 2 cores)",
            True,
            f"{cpu_ms:.2f} ms CPU in gunicorn per lookup → {cpu_ms * args.rate / 10:.0f} % of "
            f"one core at {args.rate:.0f}/s; load average during the run {load:.1f}",
        ),
        (
            "capacity today (closed loop, 4 connections)",
            True,
            f"lookups {lookup_rate:.0f}/s, bare JSON view {bare_rate:.0f}/s "
            f"({lookup_rate / max(bare_rate, 1):.0%} of it)",
        ),
        (
            f"revocation list of {args.permits:,} revoked permits < 100 KB",
            listed == args.permits and list_bytes < TARGET_LIST_BYTES,
            f"{list_bytes:,} bytes ({list_gzip:,} gzip), {listed:,} listed, {list_ms:.0f} ms",
        ),
    ]
    code = verdict(checks)
    if args.record and not args.smoke:
        record(
            [
                "",
                f"### Run {time.strftime('%Y-%m-%d %H:%M')} — {machine_line(version)}",
                "",
                f"{args.permits:,} permits (resident, temporary, visitor; 5 % revoked), one "
                f"officer signed in with password and TOTP, gunicorn as `make serve` runs it. "
                f"{len(results):,} lookups over HTTP at a fixed {args.rate:.0f}/s for "
                f"{args.seconds:.0f} s (open loop, one connection each; 70 % a plate with a "
                "permit typed with separators, 20 % without separators, 10 % an unknown plate; "
                f"half name a zone): p50 **{p[0.5]:.1f} ms**, p95 {p[0.95]:.1f} ms, p99 "
                f"**{p[0.99]:.1f} ms**, max {max(latencies):.1f} ms from the planned start to "
                f"the last byte; {achieved:.0f} lookups/s achieved; {good:,} answers right, "
                f"{logged:,} log rows and {tallied:,} tally counts written. The gunicorn workers "
                f"spent {cpu_ms:.2f} ms CPU per lookup ({cpu_ms * args.rate / 10:.0f} % of one "
                f"core at {args.rate:.0f}/s); load average (1 min) at the end of the load "
                f"{load:.1f}. Capacity (closed loop, 4 connections, 8 s): {lookup_rate:.0f} "
                f"lookups/s against {bare_rate:.0f}/s of the bare JSON view "
                f"({lookup_rate / max(bare_rate, 1):.0%}). Revocation list "
                f"with all {listed:,} permits revoked: **{list_bytes:,} bytes** "
                f"({list_gzip:,} gzip-compressed), answered in {list_ms:.0f} ms.",
            ]
        )
    return code


if __name__ == "__main__":
    raise SystemExit(main())
