"""Shared pieces of the HTTP benchmarks (rush.py, faults.py).

- a fresh PostgreSQL database (on the shared server or on a throw-away private cluster),
- the application served exactly as `make serve` serves it (same set-up steps, gunicorn,
  whitenoise) with bench-only settings (`bench/settings_bench.py`),
- a small asyncio HTTP/1.1 client (one connection per request, like gunicorn's sync workers),
- integrity checks on the database written in plain SQL, independent of the ORM.

Every request goes to 127.0.0.1 only; every loop is bounded in time and count.
BENCH_GUNICORN_ARGS adds arguments to gunicorn's command line for a comparison run (for
example `--worker-class gthread --threads 4`); the recorded runs leave it unset.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import json
import os
import platform
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
HOST = "127.0.0.1"  # the only address the benchmarks ever talk to
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"

# What the load client sends on every request: the reverse proxy in production sets
# X-Forwarded-Proto, so the production settings neither redirect nor refuse the request.
BASE_HEADERS = {"Accept-Language": "en", "X-Forwarded-Proto": "https"}


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def machine_line(vendor_version: str) -> str:
    """Host, cores, versions and the load average when the run ended (other work shows)."""
    load = os.getloadavg()[1]
    return (
        f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
        f"{vendor_version} · load average (5 min) {load:.1f} at the end"
    )


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


# --- PostgreSQL ---------------------------------------------------------------------------


def url_with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def sql(url: str, query: str, params: tuple | dict | None = None) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def database_recreate(server_url: str, name: str) -> str:
    """Drop and create `name` on the server; returns its URL. Refuses foreign names."""
    if not name.startswith("rathaus_bench"):
        raise SystemExit(f"refusing to drop database {name!r}: bench databases are rathaus_bench*")
    admin = url_with_database(server_url, "postgres")
    sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sql(admin, f'CREATE DATABASE "{name}"')
    return url_with_database(server_url, name)


def postgres_version(url: str) -> str:
    return "PostgreSQL " + sql(url, "SHOW server_version")[0][0].split()[0]


def _postgres_bin() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise SystemExit("PostgreSQL server binaries (initdb) not found")


def _version_key(path: str) -> int:
    part = path.split("/")[4]
    return int(part) if part.isdigit() else 0


class PrivateCluster:
    """A throw-away PostgreSQL cluster on a free loopback port, so that a crash-restart hits
    nobody else's connections. Runs as the `postgres` user when started as root."""

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="rathaus_bench_pg_"))
        self.data = self.folder / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/postgres"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_user, *args], check=check, capture_output=True, text=True, timeout=120
        )

    def start(self) -> None:
        if not self.data.exists():
            self._run(
                str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                "--no-sync",
            )  # fmt: skip
        self._run(*self._pg_ctl("start", "-w", "-t", "60"))

    def _pg_ctl(self, action: str, *extra: str) -> list[str]:
        options = (
            f"-p {self.port} -c listen_addresses={HOST} "
            f"-c unix_socket_directories={self.folder} -c max_connections=200"
        )
        return [
            str(self.bin / "pg_ctl"), action, "-D", str(self.data), "-l",
            str(self.folder / "server.log"), "-o", options, *extra,
        ]  # fmt: skip

    def restart(self) -> None:
        """Crash semantics (`-m immediate`): no checkpoint, every client cut off, the WAL
        replayed on start. Returns once the server is stopping; see `ready()`."""
        self._run(*self._pg_ctl("restart", "-m", "immediate", "-W"))

    def ready(self) -> bool:
        return postgres_ready(self.url)

    def stop(self) -> None:
        self._run(*self._pg_ctl("stop", "-m", "fast", "-w"), check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


class ExistingServer:
    """A server someone else runs, restarted by a given command, e.g.
    `pg_ctlcluster --skip-systemctl-redirect 15 main restart -m immediate`."""

    def __init__(self, url: str, restart_command: str) -> None:
        self.url = url
        self.restart_command = restart_command

    def start(self) -> None:
        pass

    def restart(self) -> None:
        subprocess.Popen(self.restart_command, shell=True)  # polled with ready()

    def ready(self) -> bool:
        return postgres_ready(self.url)

    def stop(self) -> None:
        pass


def postgres_ready(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=1) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def pgbench(url: str, script: str, clients: int, seconds: int, variables: dict) -> dict:
    """Runs pgbench with a custom script; returns {'tps', 'transactions', 'failed', 'output'}."""
    binary = shutil.which("pgbench") or str(_postgres_bin() / "pgbench")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write(script)
    try:
        command = [
            binary, "--no-vacuum", "--client", str(clients), "--jobs", str(min(clients, 2)),
            "--time", str(seconds), "--file", handle.name,
            *(f"--define={key}={value}" for key, value in variables.items()), url,
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    finally:
        os.unlink(handle.name)
    output = result.stdout + result.stderr
    figures = {"tps": 0.0, "transactions": 0, "failed": 0, "output": output}
    for line in output.splitlines():
        if line.startswith("tps =") and not figures["tps"]:
            figures["tps"] = float(line.split("=")[1].split()[0])
        if line.startswith("number of transactions actually processed:"):
            figures["transactions"] = int(line.split(":")[1].split()[0].split("/")[0])
        if line.startswith("number of failed transactions:"):
            figures["failed"] = int(line.split(":")[1].split()[0])
    if result.returncode != 0:
        raise RuntimeError(f"pgbench failed:\n{output}")
    return figures


# --- the application server ---------------------------------------------------------------


class Server:
    """`make serve` with the bench settings on a free port; stopped with its process group."""

    def __init__(self, database_url: str, workers: int | None = None, log_dir: Path | None = None):
        self.database_url = database_url
        self.port = free_port()
        self.workers = workers
        self.log_dir = log_dir or Path(tempfile.mkdtemp(prefix="rathaus_bench_log_"))
        self.log_path = self.log_dir / "server.log"
        self.pid_path = self.log_dir / "gunicorn.pid"
        self.process: subprocess.Popen | None = None
        self.mailer: subprocess.Popen | None = None

    def env(self) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "GUNICORN_"))
        }
        env.update(
            DATABASE_URL=self.database_url,
            # `make serve` runs its set-up steps and
            # gunicorn with SERVE_SETTINGS: production settings plus the bare view.
            SERVE_SETTINGS="bench.settings_bench",
            PORT=str(self.port),
            SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
            ALLOWED_HOSTS=f"{HOST},localhost",
            SITE_URL=f"http://{HOST}:{self.port}",
            EMAIL_URL="dummymail://",  # nothing leaves the machine
            # as deployed (docs/runbooks/deploy.md): requests only write the outbox, the
            # worker started beside gunicorn sends
            RATHAUS_MAIL_SEND_ON_COMMIT="false",
            RATHAUS_BOT_PROTECTION="off",
            RATHAUS_RATE_LIMITS="off",
            LOG_LEVEL="WARNING",
            GUNICORN_CMD_ARGS=f"--pid {self.pid_path} --backlog 2048 "
            + os.environ.get("BENCH_GUNICORN_ARGS", ""),
        )
        if self.workers:
            env["WEB_CONCURRENCY"] = str(self.workers)
        return env

    def start(self, timeout: float = 240) -> float:
        """Runs `make serve` (migrate, load data, collectstatic, gunicorn); returns seconds."""
        started = time.monotonic()
        handle = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the server
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=self.env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"make serve ended early:\n{self.log_tail()}")
            if len(self.worker_pids()) >= (self.workers or 1):
                answer = asyncio.run(http(self.port, "GET", "/healthz", timeout=5))
                if answer.status == 200:
                    self._mailer_start()
                    return time.monotonic() - started
            time.sleep(0.3)
        raise RuntimeError(f"server not ready after {timeout} s:\n{self.log_tail()}")

    def _mailer_start(self) -> None:
        """The e-mail worker, as systemd runs it beside gunicorn (`outbox_send --forever`)."""
        env = {**self.env(), "DJANGO_SETTINGS_MODULE": "bench.settings_bench"}
        self.mailer = subprocess.Popen(
            [str(PYTHON), "manage.py", "outbox_send", "--forever", "--sleep", "0.5"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log_dir / "mailer.log", "ab"),  # noqa: SIM115
            stdin=subprocess.DEVNULL,
        )

    def outbox_drain(self, timeout: float = 60) -> int:
        """Waits until the worker has sent every due e-mail; returns how many are still due."""
        deadline = time.monotonic() + timeout
        while True:
            due = sql(
                self.database_url,
                "SELECT count(*) FROM core_outboxmessage WHERE sent_at IS NULL "
                "AND failed_at IS NULL AND next_attempt_at <= now()",
            )[0][0]
            if not due or time.monotonic() > deadline:
                return due
            time.sleep(0.3)

    def master_pid(self) -> int | None:
        try:
            return int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None

    def worker_pids(self) -> list[int]:
        master = self.master_pid()
        if master is None:
            return []
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            with contextlib.suppress(OSError):
                text = Path(stat).read_text()
                fields = text[text.rindex(")") + 2 :].split()
                if int(fields[1]) == master:
                    children.append(int(text.split()[0]))
        return sorted(children)

    def stop(self) -> None:
        mailer = getattr(self, "mailer", None)
        if mailer is not None and mailer.poll() is None:
            mailer.terminate()
            try:
                mailer.wait(timeout=15)
            except subprocess.TimeoutExpired:
                mailer.kill()
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_count(self, needle: str) -> int:
        try:
            return self.log_path.read_text(errors="replace").count(needle)
        except OSError:
            return 0


# --- HTTP client --------------------------------------------------------------------------


@dataclass
class Answer:
    status: int | None  # None: no HTTP answer (connection refused, reset, timeout)
    started: float  # time.time() when the connection was opened
    finished: float
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    error: str = ""

    @property
    def latency(self) -> float:
        return self.finished - self.started

    def json(self) -> dict:
        try:
            return json.loads(self.body)
        except ValueError:
            return {}


async def http(
    port: int,
    method: str,
    path: str,
    *,
    payload: dict | None = None,
    headers: dict | None = None,
    timeout: float = 60,
) -> Answer:
    """One request on its own connection (`Connection: close`), answer read to the end."""
    body = json.dumps(payload).encode() if payload is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close"]
    for name, value in {**BASE_HEADERS, **(headers or {})}.items():
        lines.append(f"{name}: {value}")
    if payload is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    started = time.time()
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request)
            await writer.drain()
            raw = await reader.read()
    except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
        return Answer(None, started, time.time(), error=type(error).__name__)
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
    finished = time.time()
    head, _, content = raw.partition(b"\r\n\r\n")
    if not head:
        return Answer(None, started, finished, error="EmptyReply")
    head_lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(head_lines[0].split()[1])
    except (IndexError, ValueError):
        return Answer(None, started, finished, error="BadStatusLine")
    answer_headers = {}
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        answer_headers[name.strip().lower()] = value.strip()
    return Answer(status, started, finished, answer_headers, content)


async def closed_loop(
    port: int, next_request, connections: int, seconds: float, limit: int = 1_000_000
) -> tuple[list[Answer], float]:
    """`connections` clients each send a request as soon as their last one is answered, for
    `seconds` (and at most `limit` requests). `next_request(i)` gives (method, path, payload,
    headers) or None when there is nothing left. Returns the answers and the elapsed time."""
    answers: list[Answer] = []
    counter = iter(range(limit))
    deadline = time.monotonic() + seconds

    async def client() -> None:
        while time.monotonic() < deadline:
            index = next(counter, None)
            if index is None:
                return
            request = next_request(index)
            if request is None:
                return
            method, path, payload, headers = request
            answers.append(
                await http(port, method, path, payload=payload, headers=headers, timeout=60)
            )

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(connections)))
    return answers, time.monotonic() - started


# --- reservations ------------------------------------------------------------------------


def letters(number: int) -> str:
    """1 → 'Aa', 2 → 'Ab' …: unique letter-only names (digits are not names)."""
    text = ""
    number += 26 * 27
    while number:
        number, rest = divmod(number, 26)
        text = "abcdefghijklmnopqrstuvwxyz"[rest] + text
    return text.capitalize()


def reservation_payload(run: str, number: int, venue: str, start: str) -> dict:
    """A couple of its own per attempt (the per-couple limit must not refuse anyone)."""
    return {
        "venue": venue,
        "start": start,
        "partners": [
            {"given_name": "Bench", "family_name": f"{letters(number)} {run}"},
            {"given_name": "Rush", "family_name": f"{letters(number)} {run}"},
        ],
        "email": f"bench-{run.lower()}-{number}@example.org",
        "guests": 2,
        "language": "de",
    }


def reservation_request(run: str, number: int, venue: str, start: str):
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    return "POST", "/api/v1/reservations", reservation_payload(run, number, venue, start), headers


def django_setup(server: Server) -> None:
    """Django in the bench process, on the bench database (for planning, never for load)."""
    for key, value in server.env().items():
        if key in ("DATABASE_URL", "SECRET_KEY", "EMAIL_URL"):
            os.environ[key] = value
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_bench"
    import django

    django.setup()


# --- checks on the database ---------------------------------------------------------------

OVERLAPS = """
SELECT a.resource_id, count(*)
FROM scheduling_allocation a
JOIN scheduling_allocation b
  ON a.resource_id = b.resource_id AND a.id < b.id AND a.active AND b.active
 AND tstzrange(a.start, a."end", '[)') && tstzrange(b.start, b."end", '[)')
GROUP BY a.resource_id
"""
SLOTS_TAKEN_TWICE = """
SELECT r.venue_id, r.start, count(*) FROM weddings_reservation r
JOIN scheduling_booking b ON b.id = r.booking_id
WHERE b.status IN ('hold', 'confirmed')
GROUP BY r.venue_id, r.start HAVING count(*) > 1
"""
# A wedding booking is whole when it has its reservation and its two allocations (venue and
# registrar); a reservation always has its booking (foreign key, not null).
PARTIAL_BOOKINGS = """
SELECT count(*) FROM scheduling_booking b
WHERE b.purpose = 'wedding' AND (
    NOT EXISTS (SELECT 1 FROM weddings_reservation r WHERE r.booking_id = b.id)
    OR (SELECT count(*) FROM scheduling_allocation a WHERE a.booking_id = b.id) <> 2
)
"""


def integrity(url: str) -> dict:
    """Counts that must all be zero: overlapping active allocations (pairs), slots held by two
    active reservations, and wedding bookings without their reservation or allocations."""
    return {
        "overlapping_pairs": sum(row[1] for row in sql(url, OVERLAPS)),
        "slots_taken_twice": len(sql(url, SLOTS_TAKEN_TWICE)),
        "partial_bookings": sql(url, PARTIAL_BOOKINGS)[0][0],
    }


def references_missing(url: str, references: list[str]) -> list[str]:
    if not references:
        return []
    found = {
        row[0]
        for row in sql(
            url,
            "SELECT reference FROM weddings_reservation WHERE reference = ANY(%s)",
            (references,),
        )
    }
    return sorted(set(references) - found)


# --- output -------------------------------------------------------------------------------


def django_local(database_url: str | None, settings_module: str = "config.settings.dev") -> str:
    """Django in this process on `database_url` (a fresh SQLite file when None), migrated; a
    PostgreSQL database is emptied. For benchmarks that time code or pages in-process."""
    if not database_url:
        folder = tempfile.mkdtemp(prefix="rathaus-bench-")
        database_url = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if not database_url.startswith("sqlite"):
        call_command("flush", interactive=False, verbosity=0)
    return database_url


def page_timings(client, url: str, runs: int, *, before_each=None) -> dict:
    """GET `url` `runs` times with Django's test client after one warm-up (templates,
    translations, process caches): wall and CPU milliseconds, the size of the page."""
    import statistics

    client.get(url)
    wall, cpu = [], []
    for _ in range(runs):
        if before_each:
            before_each()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    wall.sort()
    return {
        "median_ms": statistics.median(wall),
        "max_ms": wall[-1],
        "cpu_median_ms": statistics.median(cpu),
        "bytes": len(response.content),
    }


def record(lines: list[str]) -> None:
    with open(ROOT / "docs" / "benchmarks.md", "a", encoding="utf-8") as handle:
        handle.write("\n" + "\n".join(lines) + "\n")


def verdict(checks: list[tuple[str, bool, str]]) -> int:
    """Prints each target as PASS/FAIL; returns the exit code (1 when one failed)."""
    width = max(len(name) for name, _, _ in checks)
    for name, ok, detail in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {name:<{width}}  {detail}")
    return 0 if all(ok for _, ok, _ in checks) else 1
