"""The live channel: events written in the caller's transaction, streamed as Server-Sent
Events with catch-up by id, each id once per connection (docs/decisions/0024-live-channel.md)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from rathaus.core.live import (
    live_events_after,
    live_events_delete_old,
    live_last_id,
    live_publish,
    live_stream_url,
)
from rathaus.core.live.asgi import application
from rathaus.core.live.hub import Event as HubEvent
from rathaus.core.live.hub import Hub, Subscriber, event_make, hub, hub_stop
from rathaus.core.models import LiveEvent

CHANNEL = "queue.test-office"
SITE = "http://127.0.0.1:8000"


class Stream:
    """One client of the ASGI application, driven in-process."""

    def __init__(self, path: str, query: str = "", headers: dict[str, str] | None = None):
        self.scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": query.encode(),
            "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        }
        self.status: int | None = None
        self.headers: dict[bytes, bytes] = {}
        self.body = b""
        self.finished = False
        self.arrivals: dict[int, float] = {}
        self._requested = False
        self._gone = asyncio.Event()
        self._changed = asyncio.Event()
        self.task: asyncio.Task | None = None

    def start(self) -> Stream:
        self.task = asyncio.create_task(application(self.scope, self._receive, self._send))
        return self

    async def _receive(self):
        if not self._requested:
            self._requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self._gone.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message):
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = dict(message["headers"])
        else:
            self.body += message.get("body", b"")
            self.finished = not message.get("more_body", False)
            for event_id, _, _ in self.events():
                self.arrivals.setdefault(event_id, time.monotonic())
        self._changed.set()

    def events(self) -> list[tuple[int, str, str]]:
        found = []
        for block in self.body.decode().split("\n\n"):
            fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
            if "id" in fields:
                found.append((int(fields["id"]), fields["event"], fields["data"]))
        return found

    def ids(self) -> list[int]:
        return [event_id for event_id, _, _ in self.events()]

    async def until(self, predicate, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not predicate(self):
                self._changed.clear()
                await self._changed.wait()

    async def close(self) -> None:
        self._gone.set()
        async with asyncio.timeout(5):
            await self.task


@pytest.fixture(autouse=True)
def _one_database_thread(settings):
    """The in-memory SQLite test database is shared between threads with table locks, which
    a reader and a writer in two threads can run into; one thread for both avoids that."""
    if connection.vendor == "sqlite":
        settings.RATHAUS_LIVE_DB_THREADS = 1


async def publish(channel: str, kind: str, payload) -> int:
    """Publish in a transaction of its own, in a thread (as a web worker would); the id."""

    def write() -> int:
        with transaction.atomic():
            return live_publish(channel, kind, payload).pk

    return await hub().db(write)


def run(coroutine_function):
    async def wrapped():
        try:
            await coroutine_function()
        finally:
            await hub_stop()

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no loop in this thread
        asyncio.run(wrapped())
        return
    # An earlier test (a browser driven through Playwright's sync API) left a loop running in
    # this thread: run the server's loop in a thread of its own, as uvicorn would.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, wrapped()).result()


async def plain(path: str, headers: dict[str, str] | None = None) -> Stream:
    stream = Stream(path, headers=headers).start()
    await stream.until(lambda s: s.finished)
    return stream


# --- publishing and reading -----------------------------------------------------------


@pytest.mark.django_db
def test_an_event_published_in_a_rolled_back_transaction_leaves_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        live_publish(CHANNEL, "called", {"ticket": "A-017"})
        assert LiveEvent.objects.count() == 1
        raise RuntimeError("the call fails after publishing")
    assert LiveEvent.objects.count() == 0
    assert live_last_id(CHANNEL) == 0


@pytest.mark.django_db
def test_catch_up_returns_the_channels_events_after_an_id_in_order():
    first = live_publish(CHANNEL, "called", {"n": 1})
    live_publish("queue.other", "called", {"n": 99})
    second = live_publish(CHANNEL, "called", {"n": 2})
    third = live_publish(CHANNEL, "closed", {"n": 3})

    assert [e.pk for e in live_events_after(CHANNEL, 0, 10)] == [first.pk, second.pk, third.pk]
    assert [e.payload["n"] for e in live_events_after(CHANNEL, first.pk, 10)] == [2, 3]
    assert [e.pk for e in live_events_after(CHANNEL, first.pk, 1)] == [second.pk]
    assert live_events_after(CHANNEL, third.pk, 10) == []
    assert live_last_id(CHANNEL) == third.pk
    assert first.pk < second.pk < third.pk
    assert timezone.is_aware(first.created_at)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "channel, kind",
    [
        ("", "called"),
        ("a b", "called"),
        ("x" * 61, "called"),
        ("queue/1", "called"),
        ("queue.ä", "called"),
        (CHANNEL, "called\ndata: forged"),
        (CHANNEL, ""),
    ],
)
def test_bad_channel_names_and_kinds_are_refused(channel, kind):
    with pytest.raises(ValueError):
        live_publish(channel, kind, {})
    assert LiveEvent.objects.count() == 0


@pytest.mark.django_db
def test_events_older_than_a_day_are_deleted():
    old = live_publish(CHANNEL, "called", {})
    fresh = live_publish(CHANNEL, "called", {})
    now = timezone.now()
    LiveEvent.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=1, seconds=1))
    LiveEvent.objects.filter(pk=fresh.pk).update(created_at=now - timedelta(hours=23))

    assert live_events_delete_old(now) == 1
    assert list(LiveEvent.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_the_stream_url_follows_the_setting(settings):
    settings.RATHAUS_LIVE_URL = "https://termine.bottrop.de/live"
    assert live_stream_url(CHANNEL) == "https://termine.bottrop.de/live/queue.test-office"
    assert live_stream_url(CHANNEL, after=41).endswith("/queue.test-office?after=41")
    first = live_stream_url(CHANNEL, after=41, first=True)
    assert first.endswith("/queue.test-office?after=41&first=1")
    assert live_stream_url(CHANNEL, first=True).endswith("/queue.test-office?first=1")
    with pytest.raises(ValueError):
        live_stream_url("../admin")


# --- the ASGI application -------------------------------------------------------------


def test_health_check_answers_200():
    async def scenario():
        stream = await plain("/live/healthz")
        assert stream.status == 200
        assert stream.body == b"ok"

    run(scenario)


@pytest.mark.parametrize(
    "path", ["/live/a%20b", "/live/a b", "/live/" + "x" * 61, "/live/a/b", "/live/", "/other"]
)
def test_bad_channel_names_are_404(path):
    async def scenario():
        stream = await plain(path)
        assert stream.status == 404

    run(scenario)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "origin, allowed",
    [
        (SITE, True),
        ("https://evil.example", False),
        ("http://127.0.0.1:8001", False),
        (None, False),
    ],
)
def test_cors_allows_the_sites_origin_only(settings, origin, allowed):
    settings.SITE_URL = SITE

    async def scenario():
        headers = {"Origin": origin} if origin else {}
        for path in ["/live/healthz", f"/live/{CHANNEL}"]:
            stream = Stream(path, headers=headers).start()
            await stream.until(lambda s: s.status is not None)
            assert stream.headers.get(b"access-control-allow-origin") == (
                SITE.encode() if allowed else None
            )
            assert stream.headers[b"vary"] == b"Origin"
            await stream.close()

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_stream_sends_catch_up_then_new_events(settings):
    """On SQLite the hub polls, on PostgreSQL a notification wakes it."""
    settings.RATHAUS_LIVE_POLL_SECONDS = 0.05
    before = live_publish(CHANNEL, "called", {"ticket": "A-001"}).pk
    missed = [live_publish(CHANNEL, "called", {"ticket": f"A-00{n}"}).pk for n in (2, 3)]
    live_publish("queue.other", "called", {"ticket": "B-001"})

    async def scenario():
        stream = Stream(f"/live/{CHANNEL}", query=f"after={before}").start()
        await stream.until(lambda s: len(s.ids()) == 2)
        assert stream.status == 200
        assert stream.headers[b"content-type"] == b"text/event-stream; charset=utf-8"
        assert stream.body.startswith(b"retry: 2000\n\n")
        assert stream.ids() == missed

        new = await publish(CHANNEL, "called", {"ticket": "A-004", "desk": "Schalter 3"})
        await stream.until(lambda s: new in s.ids())
        event_id, kind, data = stream.events()[-1]
        assert (event_id, kind, json.loads(data)) == (
            new,
            "called",
            {"ticket": "A-004", "desk": "Schalter 3"},
        )
        assert hub().postgres == (connection.vendor == "postgresql")
        await stream.close()
        assert stream.ids() == [*missed, new]

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_without_an_id_the_stream_starts_at_now(settings):
    settings.RATHAUS_LIVE_POLL_SECONDS = 0.05
    live_publish(CHANNEL, "called", {})

    async def scenario():
        stream = Stream(f"/live/{CHANNEL}").start()
        await stream.until(lambda s: s.status == 200)
        new = await publish(CHANNEL, "called", {})
        await stream.until(lambda s: s.ids() == [new])
        await stream.close()

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_last_event_id_wins_over_the_query_and_nothing_comes_twice(settings):
    settings.RATHAUS_LIVE_POLL_SECONDS = 0.05
    ids = [live_publish(CHANNEL, "called", {"n": n}).pk for n in range(5)]

    async def scenario():
        # a browser reconnecting keeps the page's ?after= but sends the last id it saw
        stream = Stream(
            f"/live/{CHANNEL}", query=f"after={ids[0]}", headers={"Last-Event-ID": str(ids[2])}
        ).start()
        await stream.until(lambda s: len(s.ids()) == 2)
        assert stream.ids() == ids[3:]
        later = [await publish(CHANNEL, "called", {"n": n}) for n in range(5, 8)]
        await stream.until(lambda s: len(s.ids()) == 5)
        await asyncio.sleep(0.3)  # a few more polls: nothing repeats
        await stream.close()
        assert stream.ids() == [*ids[3:], *later]

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_an_event_both_caught_up_and_handed_on_is_sent_once(settings, monkeypatch):
    settings.RATHAUS_LIVE_POLL_SECONDS = 0.05
    first = live_publish(CHANNEL, "called", {"n": 1})
    second = live_publish(CHANNEL, "called", {"n": 2})
    real_subscribe = Hub.subscribe

    async def subscribe_with_news(self, channel, **options):
        # the hub hands on `second` between the subscription and the catch-up read
        subscriber = await real_subscribe(self, channel, **options)
        subscriber.offer(event_make(second, None))
        return subscriber

    monkeypatch.setattr(Hub, "subscribe", subscribe_with_news)

    async def scenario():
        stream = Stream(f"/live/{CHANNEL}", query="after=0").start()
        await stream.until(lambda s: len(s.ids()) == 2)
        third = await publish(CHANNEL, "called", {"n": 3})
        await stream.until(lambda s: third in s.ids())
        await stream.close()
        assert stream.ids() == [first.pk, second.pk, third]

    run(scenario)


def test_the_first_followers_are_handed_each_event_before_the_others(monkeypatch):
    handed: list[str] = []
    monkeypatch.setattr(Subscriber, "offer", lambda self, event: handed.append(self.name))

    async def scenario():
        the_hub = hub()
        the_hub.subscribers[CHANNEL] = set()
        the_hub.last[CHANNEL] = 0
        for index in range(50):
            phone = Subscriber(CHANNEL, limit=10)
            phone.name = f"phone {index}"
            the_hub.subscribers[CHANNEL].add(phone)
        display = Subscriber(CHANNEL, limit=10, first=True)
        display.name = "display"
        the_hub.subscribers[CHANNEL].add(display)
        the_hub._deliver([HubEvent(1, CHANNEL, "state", b"")])
        assert handed[0] == "display" and len(handed) == 51

    run(scenario)


def test_the_hub_hands_each_event_on_once_even_if_read_twice():
    async def scenario():
        the_hub = hub()
        the_hub.subscribers[CHANNEL] = set()
        the_hub.last[CHANNEL] = 10
        subscriber = Subscriber(CHANNEL, limit=10)
        the_hub.subscribers[CHANNEL].add(subscriber)
        events = [HubEvent(i, CHANNEL, "called", b"") for i in (10, 11, 12)]
        the_hub._deliver(events)
        the_hub._deliver(events[1:])
        the_hub._deliver([HubEvent(13, "queue.other", "called", b"")])
        handed_on = [subscriber.queue.get_nowait().id for _ in range(subscriber.queue.qsize())]
        assert handed_on == [11, 12]

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_every_connection_of_a_channel_gets_each_event_once(settings):
    settings.RATHAUS_LIVE_POLL_SECONDS = 0.05

    async def scenario():
        streams = [Stream(f"/live/{CHANNEL}", query="after=0").start() for _ in range(20)]
        other = Stream("/live/queue.other", query="after=0").start()
        await asyncio.gather(*(s.until(lambda s: s.status == 200) for s in streams))
        published = [await publish(CHANNEL, "called", {"n": n}) for n in range(10)]
        await asyncio.gather(*(s.until(lambda s: len(s.ids()) >= 10) for s in streams))
        await asyncio.sleep(0.2)
        for stream in [*streams, other]:
            await stream.close()
        assert all(s.ids() == published for s in streams)
        assert other.ids() == []
        assert hub().subscribers == {}

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_heartbeat_comment_keeps_a_quiet_stream_open(settings):
    settings.RATHAUS_LIVE_HEARTBEAT_SECONDS = 0.05

    async def scenario():
        stream = Stream(f"/live/{CHANNEL}").start()
        await stream.until(lambda s: s.body.count(b": keep-alive\n\n") >= 2)
        assert not stream.finished
        await stream.close()

    run(scenario)


class StuckStream(Stream):
    """A client on a slow network: its first event does not get through until `gate` opens."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gate = asyncio.Event()

    async def _send(self, message):
        if b"id: " in message.get("body", b""):
            await self.gate.wait()
        await super()._send(message)


@pytest.mark.django_db(transaction=True)
def test_a_client_that_lags_behind_is_disconnected_and_catches_up_on_reconnect(settings):
    settings.RATHAUS_LIVE_POLL_SECONDS = 0.05
    settings.RATHAUS_LIVE_QUEUE_SIZE = 3

    async def scenario():
        stream = StuckStream(f"/live/{CHANNEL}", query="after=0").start()
        await stream.until(lambda s: s.status == 200)
        subscriber = next(iter(hub().subscribers[CHANNEL]))
        published = [await publish(CHANNEL, "called", {"n": n}) for n in range(7)]
        async with asyncio.timeout(5):
            while not subscriber.overflowed:
                await asyncio.sleep(0.02)
        stream.gate.set()
        await stream.until(lambda s: s.finished)  # the server ended the stream
        seen = stream.ids()
        assert seen == published[: len(seen)] and len(seen) < len(published)
        await stream.close()

        # the browser reconnects with the last id it saw
        again = Stream(f"/live/{CHANNEL}", headers={"Last-Event-ID": str(seen[-1])}).start()
        await again.until(lambda s: len(seen) + len(s.ids()) == len(published))
        await again.close()
        assert seen + again.ids() == published

    run(scenario)


# --- the content security policy of the site --------------------------------------------


@pytest.mark.django_db
def test_csp_lets_pages_connect_to_the_live_server_on_its_own_port(client, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.RATHAUS_LIVE_URL = "http://127.0.0.1:8001/live"
    csp = client.get("/")["Content-Security-Policy"]
    assert "connect-src 'self' http://127.0.0.1:8001;" in csp

    settings.SITE_URL = "https://termine.bottrop.de"
    settings.RATHAUS_LIVE_URL = "https://termine.bottrop.de/live"
    csp = client.get("/")["Content-Security-Policy"]
    assert "connect-src 'self';" in csp


# --- PostgreSQL: NOTIFY ---------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_notification_reaches_the_stream_within_500_ms():
    async def scenario():
        stream = Stream(f"/live/{CHANNEL}", query="after=0").start()
        await stream.until(lambda s: s.status == 200)
        async with asyncio.timeout(5):
            await hub().listening.wait()
        assert hub().postgres  # no polling: only the notification wakes the hub
        delays = []
        for n in range(5):
            committed = 0.0

            def write(n=n):
                nonlocal committed
                with transaction.atomic():
                    event_id = live_publish(CHANNEL, "called", {"n": n}).pk
                committed = time.monotonic()
                return event_id

            event_id = await hub().db(write)
            await stream.until(lambda s, event_id=event_id: event_id in s.ids(), timeout=2)
            delays.append(stream.arrivals[event_id] - committed)
        await stream.close()
        assert len(stream.ids()) == 5
        assert max(delays) < 0.5, delays

    run(scenario)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_notify_is_sent_only_on_commit():
    async def scenario():
        stream = Stream(f"/live/{CHANNEL}").start()
        await stream.until(lambda s: s.status == 200)
        async with asyncio.timeout(5):
            await hub().listening.wait()

        def rolled_back():
            with pytest.raises(RuntimeError), transaction.atomic():
                live_publish(CHANNEL, "called", {"ghost": True})
                raise RuntimeError

        await hub().db(rolled_back)
        kept = await publish(CHANNEL, "called", {"ghost": False})
        await stream.until(lambda s: kept in s.ids())
        await stream.close()
        assert stream.ids() == [kept]
        assert json.loads(stream.events()[0][2]) == {"ghost": False}

    run(scenario)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_listener_reconnects_and_misses_nothing():
    async def scenario():
        stream = Stream(f"/live/{CHANNEL}", query="after=0").start()
        await stream.until(lambda s: s.status == 200)
        async with asyncio.timeout(5):
            await hub().listening.wait()

        def kill_listener() -> int:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE pid <> pg_backend_pid() AND query LIKE 'LISTEN%%'"
                    " OR query = 'SELECT 1'"
                )
                return cursor.fetchone()[0]

        assert await hub().db(kill_listener) >= 1
        # published while nobody listens: caught up by id after the reconnect
        lost = await publish(CHANNEL, "called", {"n": 1})
        await stream.until(lambda s: lost in s.ids(), timeout=5)
        async with asyncio.timeout(5):
            await hub().listening.wait()
        after = await publish(CHANNEL, "called", {"n": 2})
        await stream.until(lambda s: after in s.ids(), timeout=2)
        await stream.close()
        assert stream.ids() == [lost, after]

    run(scenario)


# --- the entry point under uvicorn ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _read_until(sock: socket.socket, marker: bytes, received: bytearray, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while marker not in received:
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"stream closed before {marker!r}: {bytes(received)!r}")
        received += chunk


@pytest.mark.django_db(transaction=True)
def test_uvicorn_serves_the_entry_point_from_a_shared_sqlite_file(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the schema below is SQLite's; the PostgreSQL pass drives the app in-process")
    out = io.StringIO()
    call_command("sqlmigrate", "core", "0003", stdout=out)
    database = tmp_path / "live.sqlite3"
    with sqlite3.connect(database) as db:
        db.executescript(out.getvalue())

    def insert(payload: str) -> None:
        with sqlite3.connect(database) as db:
            db.execute(
                "INSERT INTO core_liveevent (channel, kind, payload, created_at)"
                " VALUES ('queue.e2e', 'called', ?, '2026-12-07 08:00:00')",
                [payload],
            )

    insert('{"ticket": "A-001"}')
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "uvicorn",
            "config.live:application",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.sendall(b"GET /live/healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                    if probe.recv(100).startswith(b"HTTP/1.1 200"):
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stderr.read().decode()) from None
                time.sleep(0.2)

        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /live/queue.e2e HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 0\r\n\r\n")
            received = bytearray()
            _read_until(sock, b'data: {"ticket":"A-001"}\n\n', received, 5)
            assert b"content-type: text/event-stream" in received.lower()
            assert b"retry: 2000" in received
            insert('{"ticket": "A-002"}')
            _read_until(sock, b'id: 2\nevent: called\ndata: {"ticket":"A-002"}', received, 5)
            assert received.count(b"id: 1\n") == 1
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_publishers_of_one_channel_take_turns_so_ids_follow_commit_order():
    first_published = threading.Event()
    first_may_commit = threading.Event()
    ids: dict[str, int] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                ids["first"] = live_publish(CHANNEL, "called", {"n": 1}).pk
                first_published.set()
                first_may_commit.wait(5)
        finally:
            connection.close()

    def second() -> None:
        try:
            with transaction.atomic():
                ids["second"] = live_publish(CHANNEL, "called", {"n": 2}).pk
        finally:
            connection.close()

    def other_channel() -> None:
        try:
            with transaction.atomic():
                ids["other"] = live_publish("queue.other", "called", {}).pk
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_published.wait(5)
    two = threading.Thread(target=second)
    two.start()
    three = threading.Thread(target=other_channel)
    three.start()
    three.join(5)
    assert "other" in ids  # another channel does not wait
    two.join(0.5)
    assert two.is_alive() and "second" not in ids  # waits for the first to commit
    first_may_commit.set()
    one.join(5)
    two.join(5)
    assert ids["first"] < ids["other"] < ids["second"]


def _data(wire: bytes):
    """The JSON of an encoded Server-Sent Event's one `data:` line."""
    (line,) = [x for x in wire.decode().splitlines() if x.startswith("data: ")]
    return json.loads(line.removeprefix("data: "))


@pytest.mark.django_db
def test_a_registered_view_rides_with_every_delivered_event():
    """An app's view of a channel is read at delivery and added to each event's payload."""
    from rathaus.core.live import delivery as views
    from rathaus.core.live.asgi import _catch_up_rows
    from rathaus.core.live.hub import _events_after

    views.live_view_register("viewtest.", lambda channel: {"shown": channel})
    try:
        live_publish("viewtest.a", "state", {"x": 1})
        live_publish("other.b", "state", {})
        rows = _events_after({"viewtest.a": 0, "other.b": 0})
        assert [_data(row.wire) for row in rows] == [{"x": 1, "shown": "viewtest.a"}, {}]
        caught_up = _catch_up_rows("viewtest.a", 0)
        assert [_data(row.wire) for row in caught_up] == [{"x": 1, "shown": "viewtest.a"}]
    finally:
        views._views.pop("viewtest.")
        views._taken.pop("viewtest.a", None)


@pytest.mark.django_db
def test_a_view_is_read_once_per_newest_event_however_many_catch_up():
    from rathaus.core.live import delivery

    reads = []
    delivery.live_view_register(
        "readtest.", lambda channel: {"read": len(reads.append(1) or reads)}
    )
    try:
        first = live_publish("readtest.a", "state", {}).pk
        for _follower in range(1000):
            assert delivery.live_views_read({"readtest.a": first}) == {"readtest.a": {"read": 1}}
        assert len(reads) == 1
        second = live_publish("readtest.a", "state", {}).pk
        assert delivery.live_views_read({"readtest.a": second}) == {"readtest.a": {"read": 2}}
        assert delivery.live_views_read({"readtest.a": first}) == {"readtest.a": {"read": 2}}
    finally:
        delivery._views.pop("readtest.")
        delivery._taken.pop("readtest.a", None)
