"""Waiting-room benchmark (issue 15): counters calling, call displays and phones following.

    .venv/bin/python bench/waiting_room.py [--seconds 600] [--phones 1000] [--displays 10]
                                    [--counters 20] [--record] [--smoke]

The application runs as `make serve` runs it: gunicorn for the pages and the live server
(uvicorn, Server-Sent Events) on PORT + 1, on a fresh PostgreSQL database. The displays and
phones connect first (the time until all hold their stream is reported); then the counters
open, and for about `--seconds`:

- **counters** (until five seconds before the end): 20 clerks, threads of this process with
  a database connection each, call the next number, start, and finish after 20–60 s (a real
  visit takes 5–15 minutes: a morning compressed about fifteen-fold) through the queue's
  services, the code the workplace's buttons run; a ticket machine keeps ~40 people waiting;
- **displays**: 10 call displays hold the location's stream and show the display state every
  event carries, as the display's script does (reading `stand.json` from gunicorn only for an
  event without it);
- **phones**: 1,000 phones hold the stream each and find their number in the place table every
  event carries (no read of their own);
- the **latency** of a call is from the moment its service returned (committed) to the moment
  a display has read a state showing it, per display and call: p50, p95, p99, max;
- **every follower** must see every event of the channel exactly once, in id order (a follower
  that was cut off reconnects with Last-Event-ID and catches up, as a browser does);
- **memory**: the resident size of the gunicorn workers and of the live server every 10 s.

Targets: call → display p99 ≤ 500 ms, no lost or duplicated event at any follower, memory flat
(the last minute's mean within 10 % of the second minute's). Only 127.0.0.1 is contacted;
every loop is bounded in time. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    DEFAULT_SERVER,
    HOST,
    Server,
    database_recreate,
    django_setup,
    http,
    log,
    machine_line,
    percentile,
    postgres_version,
    record,
    verdict,
)

TARGET_P99_MS = 500.0
FLAT_MEMORY = 0.10
SERVICE = "bench-ausweis"


# --- the world -----------------------------------------------------------------------------


def world(counters: int):
    """A location open all day with `counters` open counters; returns (location, counters)."""
    from datetime import datetime, timedelta
    from datetime import time as clock

    from bench.sameday import world_make
    from rathaus.appointments.queue.services import counter_open
    from rathaus.core.timezone import BERLIN

    now = datetime.now(BERLIN)
    location = world_make(
        counters=counters,
        day=now.date(),
        opens=(now - timedelta(hours=2)).time().replace(second=0, microsecond=0),
        closes=(now - timedelta(hours=1)).time().replace(second=0, microsecond=0),
        hours=(clock(0), clock(23, 55)),
    )
    desks = list(location.counters.order_by("pk"))
    for desk in desks:
        counter_open(desk)
    return location, desks


# --- the clerks and the ticket machine (threads, through the services) --------------------


class Morning:
    """The counters and the ticket machine; they wait until `open` (every follower connected)."""

    def __init__(self, location, desks) -> None:
        self.location = location
        self.desks = desks
        self.deadline = 0.0
        self.begin = threading.Event()
        self.called_at: dict[str, float] = {}  # number -> when call_next returned
        self.calls = 0
        self.tickets = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def open(self, deadline: float) -> None:
        self.deadline = deadline
        self.begin.set()

    def pause(self, seconds: float) -> bool:
        """Sleep, but not past the end of the morning; whether the morning goes on."""
        time.sleep(max(0.0, min(seconds, self.deadline - time.monotonic())))
        return time.monotonic() < self.deadline

    def ticket_machine(self) -> None:
        from django.db import connection

        from rathaus.appointments.queue.constants import TicketStatus
        from rathaus.appointments.queue.models import Ticket
        from rathaus.appointments.queue.services import ticket_issue

        try:
            self.begin.wait()
            while time.monotonic() < self.deadline:
                waiting = Ticket.objects.filter(
                    location=self.location, status=TicketStatus.WAITING
                ).count()
                for _ in range(max(0, 40 - waiting)):
                    ticket_issue(location=self.location, services=[SERVICE])
                    with self.lock:
                        self.tickets += 1
                self.pause(0.5)
        except Exception as error:  # reported as a failed check
            self.errors.append(f"ticket machine: {type(error).__name__}: {error}")
        finally:
            connection.close()

    def clerk(self, desk, seed: int) -> None:
        from django.db import connection

        from rathaus.appointments.queue.services import call_next, finish, start

        chance = random.Random(seed)
        try:
            self.begin.wait()
            self.pause(chance.uniform(0, 5))  # the counters do not open in one instant
            while time.monotonic() < self.deadline:
                ticket = call_next(desk)
                returned = time.time()
                if ticket is None:
                    self.pause(1)
                    continue
                with self.lock:
                    self.called_at[ticket.number] = returned
                    self.calls += 1
                if self.pause(chance.uniform(2, 5)):  # the person walks to the counter
                    start(ticket)
                if self.pause(chance.uniform(18, 55)):
                    finish(ticket)
        except Exception as error:  # reported as a failed check
            self.errors.append(f"clerk {desk.name}: {type(error).__name__}: {error}")
        finally:
            connection.close()


# --- followers: Server-Sent Events over raw sockets ---------------------------------------


class Follower:
    """One stream of the channel; reconnects with Last-Event-ID when cut off."""

    def __init__(self, port: int, channel: str, after: int, on_event=None, first=False) -> None:
        self.first = first  # served before the others, as the display page asks
        self.port = port
        self.channel = channel
        self.last = after
        self.ids: list[int] = []
        self.duplicates = 0
        self.out_of_order = 0
        self.reconnects = 0
        self.on_event = on_event
        self.places_seen = 0
        self.connected = False

    async def run(self) -> None:
        while time.monotonic() < until():
            with contextlib.suppress(OSError, asyncio.IncompleteReadError, TimeoutError):
                await self._stream()
            if time.monotonic() < until():
                self.reconnects += 1
                await asyncio.sleep(0.5)

    async def _stream(self) -> None:
        reader, writer = await asyncio.open_connection(HOST, self.port)
        try:
            request = (
                f"GET /live/{self.channel}{'?first=1' if self.first else ''} HTTP/1.1\r\n"
                f"Host: {HOST}:{self.port}\r\n"
                f"Accept: text/event-stream\r\nLast-Event-ID: {self.last}\r\n\r\n"
            )
            writer.write(request.encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                raise OSError("stream refused")
            if not self.connected:
                self.connected = True
                if CONNECTED is not None:  # in a follower process: tell the bench's main process
                    with CONNECTED.get_lock():
                        CONNECTED.value += 1
            chunked = b"chunked" in head.lower()
            buffer = b""
            while time.monotonic() < until():
                remaining = max(0.1, until() - time.monotonic())
                async with asyncio.timeout(min(remaining, 30)):
                    if chunked:
                        size_line = await reader.readline()
                        size = int(size_line.strip() or b"0", 16)
                        if size == 0:
                            return
                        data = await reader.readexactly(size + 2)
                        buffer += data[:-2]
                    else:
                        data = await reader.read(65536)
                        if not data:
                            return
                        buffer += data
                while b"\n\n" in buffer:
                    message, buffer = buffer.split(b"\n\n", 1)
                    await self._message(message.decode())
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _message(self, message: str) -> None:
        fields: dict[str, str] = {}
        for line in message.split("\n"):
            if line.startswith(":") or ":" not in line:
                continue
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value
        if "id" not in fields:
            return
        number = int(fields["id"])
        if number in self.ids[-50:]:
            self.duplicates += 1
            return
        if self.ids and number < self.ids[-1]:
            self.out_of_order += 1
        self.ids.append(number)
        self.last = number
        data = json.loads(fields.get("data") or "{}")
        if "waiting" in data:
            self.places_seen += 1
        if self.on_event:
            await self.on_event(data)


class Display:
    """A call display: it shows the state each event carries (`stand.json` otherwise). It
    notes when it first showed each number, and when the stream first named it as called;
    the latencies are taken against the calls' times after the run."""

    def __init__(self, web_port: int, slug: str) -> None:
        self.web_port = web_port
        self.path = f"/buergerbuero/anzeige/{slug}/stand.json"
        self.shown: dict[str, float] = {}  # number -> when the display first showed it
        self.heard: dict[str, float] = {}  # number -> when the stream first named it called
        self.failed_reads = 0
        self.reading = False
        self.again = False

    async def on_event(self, data) -> None:
        now = time.time()
        for number in (data or {}).get("called", {}):
            self.heard.setdefault(number, now)
        if "display" in (data or {}):
            self._shown(data["display"], now)
            return
        if self.reading:  # the display's script reads once more after the running read
            self.again = True
            return
        self.reading = True
        try:
            while True:
                self.again = False
                await self._read()
                if not self.again:
                    return
        finally:
            self.reading = False

    async def _read(self) -> None:
        answer = await http(self.web_port, "GET", self.path, timeout=10)
        if answer.status != 200:
            self.failed_reads += 1
            return
        self._shown(answer.json(), time.time())

    def _shown(self, state, now: float) -> None:
        for call in state.get("calls", []):
            self.shown.setdefault(call["number"], now)


# --- memory ------------------------------------------------------------------------------


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def live_server_pids() -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if b"config.live" in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
    return found


# --- the run -----------------------------------------------------------------------------


# Shared by the main process with the follower processes: how many streams are held, and when
# the followers stop (set once the counters open: `--seconds` later).
CONNECTED = None
DEADLINE = None
CONNECT_BUDGET = 30.0  # seconds for every follower to connect before the first call


def _followers_share(counter, deadline) -> None:
    global CONNECTED, DEADLINE
    CONNECTED, DEADLINE = counter, deadline


def until() -> float:
    """When the followers stop (time.monotonic(), the same clock in every process)."""
    return DEADLINE.value if DEADLINE is not None else 0.0


def _follower_seen(follower: Follower) -> dict:
    return {
        "ids": follower.ids,
        "duplicates": follower.duplicates + follower.out_of_order,
        "reconnects": follower.reconnects,
        "places_seen": follower.places_seen,
    }


def displays_run(
    web_port: int, live_port: int, slug: str, channel: str, after: int, count: int
) -> list[dict]:
    """A process of its own for the call displays (devices of their own, like the phones:
    neither the phones' parsing nor the clerks' threads may hold up their loop). What each
    display saw and showed, with wall-clock times."""

    async def run() -> list[tuple[Display, Follower]]:
        pairs = []
        for _ in range(count):
            display = Display(web_port, slug)
            pairs.append((display, Follower(live_port, channel, after, display.on_event, True)))
        await asyncio.gather(*(follower.run() for _, follower in pairs))
        return pairs

    return [
        {
            **_follower_seen(follower),
            "shown": display.shown,
            "heard": display.heard,
            "failed_reads": display.failed_reads,
        }
        for display, follower in asyncio.run(run())
    ]


def phones_run(port: int, channel: str, after: int, count: int) -> list[dict]:
    """A process of its own holding `count` phones' streams (phones are devices of their own:
    their parsing must not hold up the displays' loop). What each phone saw."""

    async def run() -> list[Follower]:
        phones = [Follower(port, channel, after) for _ in range(count)]
        tasks = []
        for index in range(0, count, 100):  # the phones arrive over a few seconds
            tasks += [asyncio.create_task(p.run()) for p in phones[index : index + 100]]
            await asyncio.sleep(0.2)
        await asyncio.gather(*tasks)
        return phones

    return [_follower_seen(phone) for phone in asyncio.run(run())]


async def follow(args, server: Server, morning: Morning, channel: str, after: int) -> dict:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    live_port = server.port + 1
    started = time.monotonic()
    memory: list[tuple[float, int, int]] = []
    processes = 2  # for the phones; the displays have a third
    connected = multiprocessing.Value("i", 0)
    deadline = multiprocessing.Value("d", started + CONNECT_BUDGET + args.seconds)
    _followers_share(connected, deadline)
    pool = ProcessPoolExecutor(
        processes + 1, initializer=_followers_share, initargs=(connected, deadline)
    )
    loop = asyncio.get_running_loop()
    slug = morning.location.slug
    display_job = loop.run_in_executor(
        pool, displays_run, server.port, live_port, slug, channel, after, args.displays
    )
    share = -(-args.phones // processes)
    phone_jobs = [
        loop.run_in_executor(
            pool,
            phones_run,
            live_port,
            channel,
            after,
            min(share, args.phones - n * share),
        )
        for n in range(processes)
        if args.phones - n * share > 0
    ]

    async def sample_memory() -> None:
        started = time.monotonic()
        while time.monotonic() < until():
            memory.append(
                (
                    time.monotonic() - started,
                    rss_kib(server.worker_pids()),
                    rss_kib(live_server_pids()),
                )
            )
            await asyncio.sleep(10)

    # The morning begins when every follower holds its stream (a reconnect storm is another
    # question than the steady state the target is about); the writes stop five seconds
    # before the followers do, so that every event published has had time to arrive.
    everyone = args.displays + args.phones
    while time.monotonic() < started + CONNECT_BUDGET and connected.value < everyone:
        await asyncio.sleep(0.1)
    connect_seconds = time.monotonic() - started
    log(
        f"{connected.value:,} of {everyone:,} followers connected after {connect_seconds:.1f} s;"
        " the counters open"
    )
    deadline.value = time.monotonic() + args.seconds
    morning.open(deadline.value - 5)
    await sample_memory()
    displays = await display_job
    phones = [phone for job in phone_jobs for phone in await job]
    pool.shutdown()
    return {
        "displays": displays,
        "phones": phones,
        "memory": memory,
        "connect_seconds": connect_seconds,
        "morning_seconds": args.seconds - 5,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--displays", type=int, default=10)
    parser.add_argument("--counters", type=int, default=20)
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER))
    parser.add_argument("--database", default="rathaus_bench_waiting_room", help="dropped, created")
    parser.add_argument("--smoke", action="store_true", help="40 s, 100 phones, 2 displays")
    parser.add_argument("--record", action="store_true", help="append to docs/benchmarks.md")
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.phones, args.displays, args.counters = 40, 100, 2, 6

    url = database_recreate(args.server, args.database)
    server = Server(url)
    try:
        log("make serve (gunicorn and the live server)")
        server.start()
        django_setup(server)
        for _ in range(60):
            if asyncio.run(http(server.port + 1, "GET", "/live/healthz", timeout=2)).status == 200:
                break
            time.sleep(0.5)
        else:
            raise RuntimeError("the live server did not answer")
        from rathaus.appointments.queue.services import live_channel
        from rathaus.core.live import live_last_id

        location, desks = world(args.counters)
        channel = live_channel(location.pk)
        after = live_last_id(channel)
        morning = Morning(location, desks)
        threads = [threading.Thread(target=morning.ticket_machine, daemon=True)]
        threads += [
            threading.Thread(target=morning.clerk, args=(desk, n), daemon=True)
            for n, desk in enumerate(desks)
        ]
        log(
            f"{args.counters} counters, {args.displays} displays, {args.phones} phones, "
            f"{args.seconds:.0f} s"
        )
        for thread in threads:
            thread.start()
        result = asyncio.run(follow(args, server, morning, channel, after))
        for thread in threads:
            thread.join(timeout=90)
        from rathaus.core.live import live_events_after

        published = [e.id for e in live_events_after(channel, after, 10**6)]
    finally:
        server.stop()

    displays = result["displays"]

    def after_call(when: str) -> list[float]:
        """Milliseconds from each call to when a display first `shown`/`heard` it."""
        called = morning.called_at
        return [
            (seen - called[number]) * 1000
            for d in displays
            for number, seen in d[when].items()
            if number in called
        ]

    latencies, heard = after_call("shown"), after_call("heard")
    followers = displays + result["phones"]
    phones = result["phones"]
    everyone = len(followers)
    expected = set(published)
    lost = sum(len(expected - set(f["ids"])) for f in followers)
    duplicates = sum(f["duplicates"] for f in followers)
    reconnects = sum(f["reconnects"] for f in followers)
    memory = result["memory"]
    second = [m for m in memory if 60 <= m[0] < 120] or memory[:2]
    last = [m for m in memory if m[0] >= memory[-1][0] - 60] if memory else []

    def mean(rows, column):
        return sum(r[column] for r in rows) / max(1, len(rows))

    growth_web = mean(last, 1) / max(1, mean(second, 1)) - 1
    growth_live = mean(last, 2) / max(1, mean(second, 2)) - 1
    p = {q: percentile(latencies, q) for q in (0.5, 0.95, 0.99)}
    figures = {
        "calls": morning.calls,
        "tickets": morning.tickets,
        "events": len(published),
        "latency_ms": {**{str(k): v for k, v in p.items()}, "max": max(latencies or [0])},
        "event_ms": {str(q): percentile(heard, q) for q in (0.5, 0.95, 0.99)},
        "display_reads_failed": sum(d["failed_reads"] for d in displays),
        "reconnects": reconnects,
        "connect_seconds": round(result["connect_seconds"], 1),
        "morning_seconds": round(result["morning_seconds"]),
        "memory_kib": [(round(t), web, live) for t, web, live in memory],
    }
    log(json.dumps({k: v for k, v in figures.items() if k != "memory_kib"}))
    p99_ok = bool(latencies) and p[0.99] <= TARGET_P99_MS
    flat = abs(growth_web) <= FLAT_MEMORY and abs(growth_live) <= FLAT_MEMORY
    checks = [
        ("the clerks ran without errors", not morning.errors, "; ".join(morning.errors[:3])),
        ("calls were made", morning.calls > 0, f"{morning.calls} calls"),
        (
            f"call → display p99 ≤ {TARGET_P99_MS:.0f} ms",
            p99_ok,
            f"p50 {p[0.5]:.0f} / p95 {p[0.95]:.0f} / p99 {p[0.99]:.0f} / max "
            f"{max(latencies or [0]):.0f} ms over {len(latencies)} display updates",
        ),
        (
            "no event lost at any follower",
            lost == 0,
            f"{lost} missing of {len(published)} x {everyone}",
        ),
        ("no event twice or out of order", duplicates == 0, str(duplicates)),
        ("phones got the place table", all(p["places_seen"] for p in phones), ""),
        (
            f"memory flat (±{FLAT_MEMORY:.0%})",
            flat,
            f"gunicorn {growth_web:+.1%}, live server {growth_live:+.1%}",
        ),
    ]
    code = verdict(checks)
    if args.record and not args.smoke:
        start_mem, end_mem = memory[0] if memory else (0, 0, 0), memory[-1] if memory else (0, 0, 0)
        record(
            [
                "",
                f"### Run {time.strftime('%Y-%m-%d %H:%M')} — "
                f"{machine_line(postgres_version(url))}",
                "",
                f"{args.counters} counters, {args.displays} displays, {args.phones} phones "
                f"(all connected after {result['connect_seconds']:.1f} s, then the counters "
                f"opened for {result['morning_seconds']:.0f} s): {morning.calls:,} calls, "
                f"{morning.tickets:,} tickets, "
                f"{len(published):,} events. Call → display (commit of the call to a display "
                f"having read it): p50 **{p[0.5]:.0f} ms**, p95 {p[0.95]:.0f} ms, p99 "
                f"**{p[0.99]:.0f} ms**, max {max(latencies or [0]):.0f} ms over "
                f"{len(latencies):,} display updates. Events lost at any follower: {lost}; "
                f"twice or out of order: {duplicates}; reconnects: {reconnects}. Resident "
                f"memory, gunicorn workers: {start_mem[1] / 1024:.0f} → {end_mem[1] / 1024:.0f} "
                f"MiB ({growth_web:+.1%} last minute against the second); live server: "
                f"{start_mem[2] / 1024:.0f} → {end_mem[2] / 1024:.0f} MiB ({growth_live:+.1%}).",
            ]
        )
    return code


if __name__ == "__main__":
    raise SystemExit(main())
