"""One listener per server process, fanning a channel's new events out to its connections.

On PostgreSQL a psycopg connection LISTENs; a notification only wakes the fetcher, which
reads every channel's events after the last id it passed on. On SQLite (development, no
NOTIFY) the fetcher wakes every `RATHAUS_LIVE_POLL_SECONDS`. Reading by id after each wake,
and once more after the listener reconnects, is what makes a lost notification harmless.
"""

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, TypeVar

import psycopg
from django.conf import settings
from django.db import close_old_connections, connections
from django.db.models import Q

from rathaus.core.models import LiveEvent

from .channels import PG_CHANNEL, sse_event
from .delivery import live_views_read, with_view
from .selectors import live_last_id

logger = logging.getLogger(__name__)
T = TypeVar("T")
FETCH_BATCH = 1000
# psycopg.connect() takes libpq parameters; Django's connection parameters carry a few more.
NOT_LIBPQ = {
    "assume_role",
    "context",
    "cursor_factory",
    "isolation_level",
    "pool",
    "prepare_threshold",
    "server_side_binding",
}


@dataclass(frozen=True)
class Event:
    id: int
    channel: str
    kind: str
    wire: bytes  # the Server-Sent Event, encoded once for every follower


def event_make(row: Any, shown: dict[str, Any] | None) -> Event:
    """A stored event as it goes out, with the channel's view (delivery.py) when it has one."""
    payload = with_view(row.payload, shown)
    return Event(row.id, row.channel, row.kind, sse_event(row.id, row.kind, payload))


CLOSE = None  # queued to end a connection: its client left, lagged behind, or the hub stops


class Subscriber:
    """One stream's inbox. The bound is kept here (not by the queue) so the end marker fits."""

    def __init__(self, channel: str, limit: int, *, first: bool = False) -> None:
        self.channel = channel
        self.limit = limit
        self.first = first  # handed each event before the others
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self.overflowed = False
        self.closed = False

    def offer(self, event: Event) -> None:
        if self.closed:
            return
        if self.queue.qsize() >= self.limit:
            self.overflowed = True  # a slow client: it reconnects and catches up by id
            self.close()
            return
        self.queue.put_nowait(event)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.queue.put_nowait(CLOSE)


def _in_thread(function: Callable[..., T], *args: Any) -> T:
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()


def _events_after(last_ids: dict[str, int]) -> list[Event]:
    condition = reduce(or_, (Q(channel=c, id__gt=last) for c, last in last_ids.items()))
    rows = list(LiveEvent.objects.filter(condition).order_by("id")[:FETCH_BATCH])
    shown = live_views_read({row.channel: row.id for row in rows})  # ascending: the newest
    return [event_make(row, shown.get(row.channel)) for row in rows]


def _listen_params() -> dict[str, Any]:
    params = connections["default"].get_connection_params()
    return {key: value for key, value in params.items() if key not in NOT_LIBPQ}


class Hub:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.postgres = connections["default"].vendor == "postgresql"
        self.poll_seconds = float(getattr(settings, "RATHAUS_LIVE_POLL_SECONDS", 0.25))
        self.queue_limit = int(getattr(settings, "RATHAUS_LIVE_QUEUE_SIZE", 256))
        self.executor = ThreadPoolExecutor(
            max_workers=int(getattr(settings, "RATHAUS_LIVE_DB_THREADS", 4)),
            thread_name_prefix="live-db",
        )
        # On PostgreSQL the fetch of new events has a thread of its own: it never waits behind
        # the catch-up reads of a thousand followers reconnecting at once (after a restart,
        # say). SQLite (development) shares the pool: its in-memory test database locks a
        # table against a reader in another thread.
        self.fetcher = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-fetch")
            if self.postgres
            else self.executor
        )
        self.subscribers: dict[str, set[Subscriber]] = {}
        self.last: dict[str, int] = {}
        self.wake = asyncio.Event()
        self.listening = asyncio.Event()  # set while the PostgreSQL listener is connected
        self.tasks: list[asyncio.Task[None]] = []

    async def db(self, function: Callable[..., T], *args: Any) -> T:
        return await self.loop.run_in_executor(self.executor, _in_thread, function, *args)

    async def _fetch(self, wanted: dict[str, int]) -> list[Event]:
        return await self.loop.run_in_executor(self.fetcher, _in_thread, _events_after, wanted)

    def start(self) -> None:
        if self.tasks:
            return
        self.tasks.append(self.loop.create_task(self._fetch_loop()))
        if self.postgres:
            self.tasks.append(self.loop.create_task(self._listen_loop()))

    async def stop(self) -> None:
        for subscribers in self.subscribers.values():
            for subscriber in subscribers:
                subscriber.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks.clear()
        # queries in hand finish before the process (or a test) moves on
        for executor in (self.executor, self.fetcher):
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)

    async def subscribe(self, channel: str, *, first: bool = False) -> Subscriber:
        self.start()
        if channel not in self.subscribers:
            last = await self.db(live_last_id, channel)
            if channel not in self.subscribers:
                self.subscribers[channel] = set()
                self.last[channel] = last
                # a notification consumed before the channel was registered is read now
                self.wake.set()
        subscriber = Subscriber(channel, self.queue_limit, first=first)
        self.subscribers[channel].add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        subscribers = self.subscribers.get(subscriber.channel)
        if subscribers is None:
            return
        subscribers.discard(subscriber)
        if not subscribers:
            del self.subscribers[subscriber.channel]
            del self.last[subscriber.channel]

    async def _fetch_loop(self) -> None:
        failures = 0
        while True:
            if self.postgres:
                await self.wake.wait()
            else:
                try:
                    async with asyncio.timeout(self.poll_seconds):
                        await self.wake.wait()
                except TimeoutError:
                    pass
            self.wake.clear()
            wanted = {c: self.last[c] for c in self.subscribers if c in self.last}
            if not wanted:
                continue
            try:
                events = await self._fetch(wanted)
            except Exception as error:  # the database away: retry, nothing is lost by id
                failures += 1
                logger.warning("live: reading events failed (%s)", type(error).__name__)
                await asyncio.sleep(min(0.25 * 2**failures, 5.0))
                self.wake.set()
                continue
            failures = 0
            self._deliver(events)
            if len(events) == FETCH_BATCH:
                self.wake.set()

    def _deliver(self, events: list[Event]) -> None:
        for event in events:
            last = self.last.get(event.channel)
            if last is None or event.id <= last:
                continue
            self.last[event.channel] = event.id
            # The streams wake in the order they are offered the event: the first ones first.
            subscribers = self.subscribers.get(event.channel, ())
            for subscriber in [s for s in subscribers if s.first]:
                subscriber.offer(event)
            for subscriber in [s for s in subscribers if not s.first]:
                subscriber.offer(event)

    async def _listen_loop(self) -> None:
        delay = 0.5
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.warning(
                    "live: listener lost the database (%s), reconnecting in %.1f s",
                    type(error).__name__,
                    delay,
                )
            if self.listening.is_set():
                delay = 0.5  # it was connected: start the backoff anew
            self.listening.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    async def _listen(self) -> None:
        params = _listen_params()
        connection = await psycopg.AsyncConnection.connect(**params, autocommit=True)
        async with connection:
            await connection.execute(f"LISTEN {PG_CHANNEL}")
            self.listening.set()
            self.wake.set()  # whatever was committed while nobody listened
            while True:
                async for _ in connection.notifies(timeout=10.0):
                    self.wake.set()
                # quiet for a while: make sure the connection is still alive
                async with asyncio.timeout(5.0):
                    await connection.execute("SELECT 1")


_hub: Hub | None = None


def hub() -> Hub:
    """The process's hub, made in (and bound to) the running event loop."""
    global _hub
    if _hub is None or _hub.loop is not asyncio.get_running_loop():
        _hub = Hub()
    return _hub


async def hub_stop() -> None:
    global _hub
    if _hub is not None and _hub.loop is asyncio.get_running_loop():
        await _hub.stop()
    _hub = None
