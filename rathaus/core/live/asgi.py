"""The live server: a plain ASGI application streaming channels as Server-Sent Events.

`GET /live/<channel>` answers `text/event-stream`: first every event after `Last-Event-ID`
(or `?after=`) from the database, then new ones as they commit, each id at most once per
connection, a comment every `RATHAUS_LIVE_HEARTBEAT_SECONDS`. `GET /live/healthz` is 200.
Django's request handling is not involved: settings and the ORM only (config/live.py).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import DatabaseError

from .channels import channel_is_valid
from .delivery import live_views_read
from .hub import Event, Subscriber, event_make, hub, hub_stop
from .selectors import live_events_after, live_last_id

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

logger = logging.getLogger(__name__)
PREFIX = "/live/"
RETRY = b"retry: 2000\n\n"
HEARTBEAT = b": keep-alive\n\n"
CATCH_UP_BATCH = 500


def _site_origin() -> str:
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _query(scope: Scope) -> dict[str, list[str]]:
    return parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))


def _first(scope: Scope) -> bool:
    return _query(scope).get("first") == ["1"]


def _after_id(scope: Scope) -> int | None:
    """Last-Event-ID (sent by the browser on reconnect) before `?after=`; None: from now."""
    raw = _header(scope, b"last-event-id")
    if raw is None:
        values = _query(scope).get("after")
        raw = values[0] if values else None
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw.strip())


def _headers(scope: Scope, content_type: bytes) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-type", content_type),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
        (b"vary", b"Origin"),
    ]
    origin = _header(scope, b"origin")
    if origin is not None and origin == _site_origin():
        headers.append((b"access-control-allow-origin", origin.encode("latin-1")))
    return headers


async def _plain(scope: Scope, send: Send, status: int, text: bytes) -> None:
    headers = _headers(scope, b"text/plain; charset=utf-8")
    if status == 405:
        headers.append((b"allow", b"GET"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text})


def _catch_up_rows(channel: str, after: int) -> list[Event]:
    rows = live_events_after(channel, after, CATCH_UP_BATCH)
    shown = live_views_read({channel: rows[-1].id}).get(channel) if rows else None
    return [event_make(row, shown) for row in rows]


async def _watch_disconnect(receive: Receive, subscriber: Subscriber) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            subscriber.close()
            return


async def _stream(scope: Scope, receive: Receive, send: Send, channel: str) -> None:
    the_hub = hub()
    # Subscribed before the catch-up read: an event committed in between comes twice (once
    # from each), never not at all; `last` drops the second.
    subscriber = await the_hub.subscribe(channel, first=_first(scope))
    watcher = asyncio.create_task(_watch_disconnect(receive, subscriber))
    heartbeat = float(getattr(settings, "RATHAUS_LIVE_HEARTBEAT_SECONDS", 15))
    try:
        after = _after_id(scope)
        last = after if after is not None else await the_hub.db(live_last_id, channel)
        headers = _headers(scope, b"text/event-stream; charset=utf-8")
        headers.append((b"x-accel-buffering", b"no"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": RETRY, "more_body": True})
        # Only what the hub handed on before this stream subscribed is read from the database:
        # a follower that is up to date (a thousand phones opening the page) costs no query.
        while not subscriber.closed and last < the_hub.last.get(channel, last + 1):
            rows = await the_hub.db(_catch_up_rows, channel, last)
            if rows:
                body = b"".join(event.wire for event in rows)
                await send({"type": "http.response.body", "body": body, "more_body": True})
                last = rows[-1].id
            if len(rows) < CATCH_UP_BATCH:
                break
        while True:
            try:
                async with asyncio.timeout(heartbeat):
                    event = await subscriber.queue.get()
            except TimeoutError:
                await send({"type": "http.response.body", "body": HEARTBEAT, "more_body": True})
                continue
            if event is None:
                break
            if event.id <= last:
                continue
            await send({"type": "http.response.body", "body": event.wire, "more_body": True})
            last = event.id
        if subscriber.overflowed:
            logger.info("live: a slow client on %s was disconnected to catch up", channel)
        await send({"type": "http.response.body", "body": b""})
    except OSError:
        pass  # the client is gone
    except DatabaseError as error:
        # the stream ends; the browser reconnects in 2 s and catches up by id
        logger.warning(
            "live: stream on %s ended, database error (%s)", channel, type(error).__name__
        )
    finally:
        watcher.cancel()
        the_hub.unsubscribe(subscriber)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await hub_stop()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return  # no WebSockets here: the handshake is refused
    path: str = scope["path"]
    if not path.startswith(PREFIX):
        await _plain(scope, send, 404, b"not found")
        return
    name = path[len(PREFIX) :]
    if scope["method"] not in ("GET", "HEAD"):
        await _plain(scope, send, 405, b"method not allowed")
    elif name == "healthz":
        await _plain(scope, send, 200, b"ok")
    elif not channel_is_valid(name):
        await _plain(scope, send, 404, b"not found")
    elif scope["method"] == "HEAD":
        await _plain(scope, send, 200, b"")
    else:
        await _stream(scope, receive, send, name)
