"""Faults benchmark: a worker killed and PostgreSQL crash-restarted during a reservation rush.

    .venv/bin/python bench/faults.py [--seconds 24] [--record]
    .venv/bin/python bench/faults.py --smoke   # 9 s rush, same faults and checks (CI)
    make bench-faults [BENCH_ARGS=--record]

By default PostgreSQL is a throw-away private cluster (initdb on a free loopback port), so the
crash-restart cuts off nobody else's connections; `--server URL --restart-command CMD` uses an
existing server instead (e.g. `pg_ctlcluster --skip-systemctl-redirect 15 main restart -m
immediate`). The application runs under `make serve` (production settings, gunicorn).

Timeline: closed-loop clients POST reservations (every slot asked for twice, so attempts also
collide) for `--seconds`; at `--kill-at` one gunicorn worker gets SIGKILL (the master starts a
new one); at `--restart-at` PostgreSQL is restarted with `-m immediate` (crash semantics).
Afterwards every attempt that got no answer or a 5xx is sent once more with the same
Idempotency-Key, and the database is checked.

Targets (issue #5 item 8, reference §7.2 F-1/F-2): no partial records; no overlapping active
allocations; every reservation answered 201 is in the database; errors are 503 with
Retry-After (no 500, no traceback); the service answers again within 5 s of PostgreSQL being
back, and no error is answered later than that. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    Answer,
    ExistingServer,
    PrivateCluster,
    Server,
    database_recreate,
    django_setup,
    http,
    integrity,
    letters,
    log,
    machine_line,
    percentile,
    postgres_version,
    record,
    reservation_payload,
    sql,
    verdict,
)

RECOVERY_TARGET_S = 5.0
GOOD = (200, 201, 409, 422)  # an answer the application meant (refusals included)


def load_plan(seed: int) -> list[tuple[str, str]]:
    """Every free slot of the next months, each twice, pairs next to each other (they collide)."""
    from rathaus.core.timezone import local_today
    from rathaus.weddings.selectors import ceremony_slots_free

    today = local_today()
    slots = ceremony_slots_free(first=today, last=today + timedelta(days=330))
    pairs = [(s.venue.slug, s.start.isoformat()) for s in slots]
    random.Random(seed).shuffle(pairs)
    return [slot for pair in pairs for slot in (pair, pair)]


class Attempt:
    def __init__(self, number: int, slot: tuple[str, str], run: str) -> None:
        self.number = number
        self.payload = reservation_payload(run, number, *slot)
        self.key = str(uuid.uuid4())
        self.answer: Answer | None = None
        self.retry: Answer | None = None

    async def send(self, port: int) -> Answer:
        return await http(
            port,
            "POST",
            "/api/v1/reservations",
            payload=self.payload,
            headers={"Idempotency-Key": self.key},
            timeout=60,
        )


async def rush_with_faults(server: Server, database, attempts: list[Attempt], args) -> dict:
    events: dict = {}
    deadline = time.time() + args.seconds
    queue = iter(attempts)
    sent: list[Attempt] = []

    async def client() -> None:
        while time.time() < deadline:
            attempt = next(queue, None)
            if attempt is None:
                return
            sent.append(attempt)
            attempt.answer = await attempt.send(server.port)
            if attempt.answer.status is None or attempt.answer.status >= 500:
                await asyncio.sleep(0.05)  # a failing server is not hammered in a tight loop

    async def kill_worker() -> None:
        await asyncio.sleep(args.kill_at)
        victim = random.Random(7).choice(server.worker_pids())
        events["killed_pid"] = victim
        events["kill"] = time.time()
        os.kill(victim, signal.SIGKILL)

    async def restart_database() -> None:
        await asyncio.sleep(args.restart_at)
        events["restart"] = time.time()
        await asyncio.to_thread(database.restart)
        await asyncio.sleep(0.2)
        while time.time() < deadline + 60:
            if await asyncio.to_thread(database.ready):
                events["back"] = time.time()
                return
            await asyncio.sleep(0.05)

    events["start"] = time.time()
    await asyncio.gather(
        kill_worker(), restart_database(), *(client() for _ in range(args.connections))
    )
    events["end"] = time.time()
    events["sent"] = sent
    return events


async def retry_failed(port: int, attempts: list[Attempt], replays: int = 10) -> None:
    """Once more, same key and body: what a browser or app would do after a 503 or a cut.
    Also `replays` attempts that were answered 201, as if that answer had been lost: the same
    key must hand back the same reservation and create nothing."""
    failed = [a for a in attempts if a.answer.status is None or a.answer.status >= 500]
    failed += [a for a in attempts if a.answer.status == 201][:replays]
    for chunk in range(0, len(failed), 8):
        group = failed[chunk : chunk + 8]
        answers = await asyncio.gather(*(a.send(port) for a in group))
        for attempt, answer in zip(group, answers, strict=True):
            attempt.retry = answer


def reference(answer: Answer | None) -> str | None:
    if answer is None or answer.status not in (200, 201):
        return None
    return answer.json().get("reference")


def stored_by_attempt(url: str, run: str) -> dict[int, list[str]]:
    """Reservations in the database by attempt number (each attempt has its own address)."""
    prefix = f"bench-{run.lower()}-"
    rows = sql(
        url,
        "SELECT email, reference FROM weddings_reservation WHERE email LIKE %s ORDER BY id",
        (prefix + "%",),
    )
    stored: dict[int, list[str]] = {}
    for email, ref in rows:
        stored.setdefault(int(email[len(prefix) :].split("@")[0]), []).append(ref)
    return stored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=24.0, help="length of the rush")
    parser.add_argument("--kill-at", type=float, default=6.0)
    parser.add_argument("--restart-at", type=float, default=12.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=None, help="WEB_CONCURRENCY (make serve)")
    parser.add_argument("--server", default=None, help="existing PostgreSQL (default: private)")
    parser.add_argument("--restart-command", default=None, help="with --server")
    parser.add_argument("--database", default="rathaus_bench_faults")
    parser.add_argument("--record", action="store_true", help="append to docs/benchmarks.md")
    parser.add_argument("--smoke", action="store_true", help="9 s rush, every fault and check")
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.kill_at, args.restart_at, args.record = 9.0, 2.0, 4.0, False
        args.connections = min(args.connections, 8)
    if args.server and not args.restart_command:
        parser.error("--server needs --restart-command")

    run = letters(int(time.time()) % 100_000)
    database = (
        ExistingServer(args.server, args.restart_command) if args.server else PrivateCluster()
    )
    server = None
    try:
        database.start()
        url = database_recreate(database.url, args.database)
        log(f"database {args.database} on {'a private cluster' if not args.server else 'server'}")
        server = Server(url, workers=args.workers)
        setup_seconds = server.start()
        workers = len(server.worker_pids())
        log(f"server up on 127.0.0.1:{server.port} with {workers} workers ({setup_seconds:.0f} s)")
        django_setup(server)
        plan = load_plan(seed=8)
        attempts = [Attempt(n, slot, run) for n, slot in enumerate(plan)]
        log(
            f"rush: {args.connections} clients for {args.seconds:g} s; kill -9 a worker at "
            f"{args.kill_at:g} s, PostgreSQL restart -m immediate at {args.restart_at:g} s"
        )
        events = asyncio.run(rush_with_faults(server, database, attempts, args))
        sent: list[Attempt] = events["sent"]
        time.sleep(1)
        workers_after = len(server.worker_pids())
        stored_before_retry = stored_by_attempt(url, run)
        log(f"rush over: {len(sent)} attempts; retrying the failed ones with their keys")
        asyncio.run(retry_failed(server.port, sent))
        tracebacks = server.log_count("Traceback")
        server_log = server.log_path
    finally:
        if server is not None:
            server.stop()

    log("checking the database")
    checks_db = integrity(url)
    version = postgres_version(url)
    stored = stored_by_attempt(url, run)
    database.stop()

    t0 = events["start"]
    answers = [a.answer for a in sent]
    acknowledged = {a.number: reference(a.answer) for a in sent if reference(a.answer)}
    missing = sorted(n for n, ref in acknowledged.items() if ref not in stored.get(n, []))
    # Committed, but the answer never arrived (worker killed or connection cut after COMMIT).
    unacked = sorted(n for n in stored_before_retry if n not in acknowledged)
    recovered_by_retry = [  # the retry with the same key handed back the same reservation
        n for n in unacked if reference(sent_by(sent, n).retry) in stored_before_retry[n]
    ]
    doubled = sorted(n for n, refs in stored.items() if len(refs) > 1)

    kinds = Counter()
    for answer in answers:
        if answer.status is None:
            kinds[f"no answer ({answer.error})"] += 1
        elif answer.status == 503 and "retry-after" in answer.headers:
            kinds["503 + Retry-After"] += 1
        else:
            kinds[str(answer.status)] += 1
    errors = [a for a in answers if a.status is not None and a.status >= 500]
    bad_errors = [a for a in errors if a.status != 503 or "retry-after" not in a.headers]
    with_traceback = [a for a in errors if b"Traceback" in a.body]
    back = events.get("back")
    good_after = [
        a.finished for a in answers if a.status in GOOD and a.finished > events["restart"]
    ]
    first_good = min(good_after, default=None)
    recovery = max(0.0, first_good - back) if back and first_good else float("inf")
    errors_after_back = [a.finished - back for a in errors if back and a.finished > back]
    last_error_after_back = max(errors_after_back, default=0.0)
    error_times = [a.finished - t0 for a in errors]
    no_answer = [a for a in answers if a.status is None]
    latencies = [a.latency * 1000 for a in answers if a.status in GOOD]
    retried = [a for a in sent if a.retry is not None and a.answer.status != 201]
    retry_kinds = Counter(str(a.retry.status) for a in retried)
    replayed = [a for a in sent if a.retry is not None and a.answer.status == 201]
    replay_same = [a for a in replayed if reference(a.retry) == reference(a.answer)]

    rows = [
        f"### bench/faults.py — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        f"Machine: {machine_line(version)}, "
        f"{'private throw-away cluster' if not args.server else 'existing server'}. "
        f"`make serve` (production settings, gunicorn {workers} sync workers), "
        f"{args.connections} closed-loop clients for {args.seconds:g} s, each slot asked for "
        f"twice. Command: `.venv/bin/python bench/faults.py`.",
        "",
        f"Faults: SIGKILL to worker pid {events.get('killed_pid')} at "
        f"{events['kill'] - t0:.1f} s (workers afterwards: {workers_after}); PostgreSQL "
        f"`restart -m immediate` at {events['restart'] - t0:.1f} s, accepting connections again "
        f"at {(back - t0) if back else float('nan'):.1f} s.",
        "",
        "| answer | count |",
        "|---|---|",
        *(f"| {kind} | {count} |" for kind, count in sorted(kinds.items())),
        "",
        f"- attempts: {len(sent)}; answered 201: {len(acknowledged)}; latency of meant answers "
        f"p50 {percentile(latencies, 0.5):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms",
        f"- errors (5xx) between {min(error_times, default=0):.1f} s and "
        f"{max(error_times, default=0):.1f} s; 5xx other than 503 + Retry-After: "
        f"{len(bad_errors)}; bodies with a traceback: {len(with_traceback)}; tracebacks in the "
        f"server log: {tracebacks}",
        f"- first meant answer {recovery:.2f} s after PostgreSQL was back; last error "
        f"{last_error_after_back:.2f} s after it (target ≤ {RECOVERY_TARGET_S:g} s)",
        f"- database: {checks_db['partial_bookings']} partial bookings, "
        f"{checks_db['overlapping_pairs']} overlapping active allocations, "
        f"{checks_db['slots_taken_twice']} slots held twice; answered-201 references missing: "
        f"{len(missing)}",
        f"- committed but not acknowledged (worker killed or connection cut after COMMIT): "
        f"{len(unacked)}; of these handed back by the retry with the same Idempotency-Key: "
        f"{len(recovered_by_retry)}; retries of {len(retried)} failed attempts answered "
        f"{dict(retry_kinds)}; attempts holding two reservations after the retry: {len(doubled)}",
        f"- {len(replayed)} attempts answered 201 sent again with the same key (a lost answer): "
        f"{len(replay_same)} got the same reservation back",
        "",
    ]
    print("\n" + "\n".join(rows))
    checks = [
        ("no partial records", checks_db["partial_bookings"] == 0, "DB"),
        ("no overlapping allocations", checks_db["overlapping_pairs"] == 0, "DB"),
        ("each slot at most once", checks_db["slots_taken_twice"] == 0, "DB"),
        ("every 201 stored", not missing, f"{len(missing)} missing"),
        ("errors are 503 + Retry-After", not bad_errors, f"{len(bad_errors)} others"),
        ("no traceback in answers", not with_traceback, f"{len(with_traceback)}"),
        ("answers ≤ 5 s after PostgreSQL", recovery <= RECOVERY_TARGET_S, f"{recovery:.2f} s"),
        (
            "no error > 5 s after PostgreSQL",
            last_error_after_back <= RECOVERY_TARGET_S,
            f"{last_error_after_back:.2f} s",
        ),
        ("killed worker replaced", workers_after == workers, f"{workers_after}/{workers}"),
        ("≤ 1 request cut by the kill", len(no_answer) <= 1, f"{len(no_answer)}"),
        ("no double reservation by retry", not doubled, f"{len(doubled)}"),
        (
            "same key → same reservation",
            len(replay_same) == len(replayed),
            f"{len(replay_same)}/{len(replayed)}",
        ),
    ]
    print("Targets:")
    code = verdict(checks)
    if args.record:
        record(rows)
    if code:
        print(f"server log: {server_log}")
    return code


def sent_by(sent: list[Attempt], number: int) -> Attempt:
    return next(a for a in sent if a.number == number)


if __name__ == "__main__":
    sys.exit(main())
