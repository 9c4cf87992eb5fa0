"""Read a venue's own event calendar (ICS) for the import: fetch it and turn its events into
blocks. Writing them as closures on the venue is `services.venue_calendar_import`.

Every event becomes a block with the event's UID (plus the occurrence's start for repeating
events) as its key, so a re-import updates the venue's blocks in place, creates new ones and
removes the ones whose event is gone; running it twice changes nothing. It never touches a
booking: an event that overlaps a reservation or wedding is not blocked but reported as a
conflict for the registry office.

Supported: single and repeating events (RRULE, EXDATE, RECURRENCE-ID), all-day events,
time zones (TZID) and floating times (read as Berlin time). Free-time events
(TRANSP:TRANSPARENT) and cancelled ones are skipped.

The file is untrusted input. What cannot be read is refused as a whole with a message that
names the event and the reason (`ImportFailed`), never half imported and never a 500; repeating
events are expanded within limits of count, window and time (see "Parsing"). The download is
limited in size and total time and goes to the address that was checked (see "Fetching").
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urljoin, urlsplit

from dateutil.rrule import rrule, rrulestr
from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, vRecur

from rathaus.core.timezone import BERLIN, local_datetime

SOURCE = "ics"
MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_SECONDS = 15  # per connection attempt and read
HORIZON_DAYS = 800


class ImportFailed(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class Block:
    uid: str
    start: datetime
    end: datetime


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    conflicts: list[Block] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "%(created)s new, %(updated)s changed, %(removed)s removed, %(unchanged)s unchanged "
            "blocks; %(conflicts)s events overlap a reservation."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "conflicts": len(self.conflicts),
        }


# --- Parsing -----------------------------------------------------------------------------------

# Repeating events are expanded lazily, only inside the import window, and within limits: a
# file may yield at most MAX_BLOCKS blocks, a rule repeats at most daily and starts after
# EARLIEST_YEAR, and the whole expansion gets EXPAND_SECONDS of wall time.
MAX_BLOCKS = 2000
MAX_EVENT_DAYS = 366
EARLIEST_YEAR = 1900
EXPAND_SECONDS = 5
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE", "RECURRENCE-ID")


class _Unreadable(Exception):
    """An event that cannot be read; `reason` is shown to the venue operator."""

    def __init__(self, reason):
        self.reason = reason
        super().__init__(str(reason))


def _event_failed(uid: str, reason) -> ImportFailed:
    return ImportFailed(
        _("The event “%(uid)s” cannot be read: %(reason)s. Nothing was imported.")
        % {"uid": uid[:60] or "?", "reason": reason}
    )


def _instant(value) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=BERLIN)
    return local_datetime(value, time.min)


def _moment(event, name: str, reason):
    """A DATE or DATE-TIME property, or `_Unreadable` (a text such as "notadate", an offset
    such as +0100, or the property given twice)."""
    value = event.decoded(name, None)
    if value is not None and not isinstance(value, date):
        raise _Unreadable(reason)
    return value


def _bounds(event) -> tuple[datetime, datetime] | None:
    start = _moment(
        event, "dtstart", _("its start (DTSTART) is not a date or time in RFC 5545 form")
    )
    if start is None:
        return None
    if "dtend" in event:
        end = _moment(event, "dtend", _("its end (DTEND) is not a date or time in RFC 5545 form"))
    elif "duration" in event:
        length = event.decoded("duration")
        if not isinstance(length, timedelta) or abs(length) > timedelta(days=MAX_EVENT_DAYS):
            raise _Unreadable(
                _("its duration (DURATION) is not valid or longer than %(days)s days")
                % {"days": MAX_EVENT_DAYS}
            )
        end = start + length
    else:
        end = start + timedelta(days=1) if not isinstance(start, datetime) else start
    if isinstance(start, datetime) != isinstance(end, datetime):
        end = start + timedelta(days=1)
    if not isinstance(start, datetime):  # all-day: whole Berlin days
        start, end = local_datetime(start, time.min), local_datetime(end, time.min)
    else:
        start, end = _instant(start), _instant(end)
    if end - start > timedelta(days=MAX_EVENT_DAYS):
        raise _Unreadable(_("it lasts longer than %(days)s days") % {"days": MAX_EVENT_DAYS})
    return start, end


def _key(uid: str, occurrence: datetime | None) -> str:
    key = uid if occurrence is None else f"{uid}#{occurrence.astimezone(BERLIN).isoformat()}"
    if len(key) > 200:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


@dataclass
class _Repeating:
    """A repeating event, read and checked; its occurrences are expanded later.

    Floating and all-day events repeat in Berlin wall-clock time: they are expanded without a
    time zone (as RFC 5545 wants their UNTIL) and placed in Berlin afterwards.
    """

    uid: str
    anchor: datetime
    length: timedelta
    all_day_days: int | None
    rules: list[rrule]
    counts: list[int | None]
    exdates: set[datetime]

    @property
    def floating(self) -> bool:
        return self.anchor.tzinfo is None

    def block(self, moment: datetime) -> Block:
        if self.all_day_days is not None:
            start = local_datetime(moment.date(), time.min)
            end = local_datetime(moment.date() + timedelta(days=self.all_day_days), time.min)
        else:
            start = moment.replace(tzinfo=BERLIN) if self.floating else moment
            end = start + self.length
        key = _key(self.uid, start)
        return Block(key, start, end)


def _rules(event, anchor: datetime) -> tuple[list[rrule], list[int | None]]:
    unreadable = _("its repetition rule (RRULE) cannot be read")
    found = event["rrule"] if isinstance(event["rrule"], list) else [event["rrule"]]
    rules, counts = [], []
    for recur in found:
        if not isinstance(recur, vRecur) or not recur.get("FREQ"):
            raise _Unreadable(unreadable)
        if str(recur["FREQ"][0]).upper() not in FREQUENCIES:
            raise _Unreadable(_("it repeats more often than once a day"))
        if any(int(value) < 1 for value in recur.get("INTERVAL", [1])):
            raise _Unreadable(_("its repetition interval (INTERVAL) is not at least 1"))
        try:
            rule = rrulestr(recur.to_ical().decode(), dtstart=anchor)
        except (ValueError, TypeError, OverflowError) as error:
            raise _Unreadable(unreadable) from error
        # COUNT is applied while expanding (it counts from DTSTART, not from the window).
        counts.append(rule._count)
        rules.append(rule.replace(count=None))
    return rules, counts


def _same_kind(value, floating: bool) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if floating:
        return value.astimezone(BERLIN).replace(tzinfo=None) if value.tzinfo else value
    return _instant(value)


def _repeating(event, uid: str, start: datetime, end: datetime) -> _Repeating:
    raw_start = event.decoded("dtstart")
    all_day = not isinstance(raw_start, datetime)
    floating = all_day or raw_start.tzinfo is None
    anchor = _same_kind(raw_start, floating)
    if anchor.year < EARLIEST_YEAR:
        raise _Unreadable(_("it repeats from before the year %(year)s") % {"year": EARLIEST_YEAR})
    rules, counts = _rules(event, anchor)
    exdates = set()
    groups = event.get("exdate", [])
    for group in groups if isinstance(groups, list) else [groups]:
        items = getattr(group, "dts", None)
        if items is None or not all(isinstance(item.dt, date) for item in items):
            raise _Unreadable(_("an excluded date (EXDATE) cannot be read"))
        exdates.update(_same_kind(item.dt, floating) for item in items)
    days = (end.astimezone(BERLIN).date() - start.astimezone(BERLIN).date()).days
    return _Repeating(uid, anchor, end - start, days if all_day else None, rules, counts, exdates)


def _expand(items: list[_Repeating], first: datetime, last: datetime, stop: threading.Event):
    """Occurrence starts per event overlapping [first, last): lazily, at most MAX_BLOCKS + 1
    in all. Returns None when the limit was passed."""
    found: list[list[datetime]] = []
    total = 0
    for item in items:
        low, high = first, last
        if item.floating:
            low = first.astimezone(BERLIN).replace(tzinfo=None)
            high = last.astimezone(BERLIN).replace(tzinfo=None)
        moments = set()
        for rule, count in zip(item.rules, item.counts, strict=True):
            if stop.is_set():  # the caller has given up: leave before the next rule
                return None
            for number, moment in enumerate(rule, start=1):
                if stop.is_set() or moment >= high or (count and number > count):
                    break
                if moment + item.length > low and moment not in item.exdates:
                    moments.add(moment)
                    total += 1
                    if total > MAX_BLOCKS:
                        return None
        found.append(sorted(moments))
    return found


def _expand_bounded(items, first: datetime, last: datetime) -> list[list[datetime]]:
    """`_expand` in a helper thread with a wall-time limit.

    dateutil can loop for seconds without yielding on a rule that never matches (e.g. the
    30th of February every day), which no check between occurrences can interrupt. The caller
    gives up after EXPAND_SECONDS; the thread then ends at its next occurrence or, for such a
    rule, when dateutil reaches the year 9999 on its own (a few seconds of CPU at most).
    """
    if not items:
        return []
    stop, outcome = threading.Event(), {}

    def run():
        try:
            outcome["found"] = _expand(items, first, last, stop)
        except (ValueError, TypeError, OverflowError):
            outcome["unreadable"] = True

    worker = threading.Thread(target=run, name="ics-expand", daemon=True)
    worker.start()
    worker.join(EXPAND_SECONDS)
    stop.set()
    if outcome.get("unreadable"):
        raise ImportFailed(
            _("A repeating event of this calendar cannot be read. Nothing was imported.")
        )
    if worker.is_alive() or "found" not in outcome:
        raise ImportFailed(
            _("The repeating events of this calendar take too long to read. Nothing was imported.")
        )
    if outcome["found"] is None:
        raise _too_many()
    return outcome["found"]


def _too_many() -> ImportFailed:
    return ImportFailed(
        _(
            "The calendar has more than %(max)s events in the next %(days)s days. "
            "Nothing was imported."
        )
        % {"max": MAX_BLOCKS, "days": HORIZON_DAYS}
    )


def _property_unreadable(name: str) -> str:
    reasons = {
        "DTSTART": _("its start (DTSTART) is not a date or time in RFC 5545 form"),
        "DTEND": _("its end (DTEND) is not a date or time in RFC 5545 form"),
        "DURATION": _("its duration (DURATION) cannot be read"),
        "RRULE": _("its repetition rule (RRULE) cannot be read"),
        "EXDATE": _("an excluded date (EXDATE) cannot be read"),
    }
    return reasons.get(name, _("its RECURRENCE-ID is not valid"))


def _readable_event(event) -> tuple[str, tuple[datetime, datetime] | None]:
    uid = str(event.get("uid", "")).strip()
    broken = [name for name, _message in getattr(event, "errors", []) if name in TIME_PROPERTIES]
    if broken:
        raise _event_failed(uid, _property_unreadable(broken[0]))
    try:
        return uid, _bounds(event)
    except _Unreadable as error:
        raise _event_failed(uid, error.reason) from error
    except (ValueError, TypeError, OverflowError) as error:
        raise _event_failed(uid, _("its times cannot be read")) from error


def blocks_parse(data: bytes, *, first: date, last: date) -> list[Block]:
    """The busy times of a calendar between `first` and `last` (Berlin days).

    Raises `ImportFailed` with a message for the venue operator for anything it cannot read:
    then nothing is imported, rather than a part of the calendar.
    """
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise ImportFailed(_("This is not a valid calendar file (ICS).")) from error
    window_start = local_datetime(first, time.min)
    window_end = local_datetime(last + timedelta(days=1), time.min)
    overrides: dict[str, Block | None] = {}
    blocks: dict[str, Block] = {}
    repeating: list[_Repeating] = []
    for event in calendar.walk("VEVENT"):
        uid, bounds = _readable_event(event)
        if not uid or bounds is None:
            continue
        skip = str(event.get("transp", "")).upper() == "TRANSPARENT" or (
            str(event.get("status", "")).upper() == "CANCELLED"
        )
        start, end = bounds
        try:
            if "recurrence-id" in event:
                recurrence = _moment(event, "recurrence-id", _("its RECURRENCE-ID is not valid"))
                key = _key(uid, _instant(recurrence))
                overrides[key] = None if skip else Block(key, start, end)
            elif skip:
                continue
            elif "rrule" in event:
                repeating.append(_repeating(event, uid, start, end))
            else:
                blocks[_key(uid, None)] = Block(_key(uid, None), start, end)
        except _Unreadable as error:
            raise _event_failed(uid, error.reason) from error
        if len(blocks) + len(overrides) > MAX_BLOCKS:
            raise _too_many()
    for item, moments in zip(
        repeating, _expand_bounded(repeating, window_start, window_end), strict=True
    ):
        for block in map(item.block, moments):
            blocks[block.uid] = block
    for key, block in overrides.items():
        if block is None:
            blocks.pop(key, None)
        else:
            blocks[key] = block
    inside = [
        b
        for b in blocks.values()
        if b.end > window_start and b.start < window_end and b.end > b.start
    ]
    if len(inside) > MAX_BLOCKS:
        raise _too_many()
    return sorted(inside, key=lambda b: (b.start, b.uid))


# --- Fetching ----------------------------------------------------------------------------------

FETCH_SECONDS = 30  # the whole download, redirects included
MAX_REDIRECTS = 3
CHUNK = 64 * 1024


def _resolve(host: str, port: int) -> list[str]:
    """The host's addresses: one lookup, whose answer is both checked and connected to."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [info[4][0] for info in infos]


@dataclass(frozen=True)
class _Target:
    https: bool
    host: str
    port: int
    path: str
    address: str  # the checked IP address the connection goes to


def _target(url: str) -> _Target:
    """Check a URL and pin the address to connect to.

    The address is looked up once; when every answer is public, the connection goes to the
    first of them. Looking the name up again to connect would let a DNS server answer with a
    public address for the check and a private one for the connection (DNS rebinding).
    """
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    if parts.scheme not in ("http", "https") or not parts.hostname or port is None:
        raise ImportFailed(_("This calendar address cannot be used."))
    try:
        addresses = _resolve(parts.hostname, port)
    except (OSError, UnicodeError) as error:
        raise ImportFailed(_("The calendar could not be downloaded.")) from error
    allow_private = getattr(settings, "RATHAUS_ICS_IMPORT_ALLOW_PRIVATE_HOSTS", False)
    if not addresses or not (
        allow_private or all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses)
    ):
        raise ImportFailed(_("This calendar address cannot be used."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(parts.scheme == "https", parts.hostname, port, path, addresses[0])


def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()  # certificate and host name checked


def _connection(target: _Target, timeout: float) -> http.client.HTTPConnection:
    """A connection to the pinned address; Host header, SNI and certificate check use the
    host name of the URL."""
    if target.https:
        connection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=_tls_context()
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)

    def pinned(address, *args, **kwargs):
        return socket.create_connection((target.address, address[1]), *args, **kwargs)

    connection._create_connection = pinned
    return connection


def _remaining(deadline: float) -> float:
    left = deadline - clock.monotonic()
    if left <= 0:
        raise ImportFailed(
            _("The calendar took longer than %(seconds)s seconds to download.")
            % {"seconds": FETCH_SECONDS}
        )
    return left


def _read(response, sock, deadline: float) -> bytes:
    chunks, size = [], 0
    while True:
        sock.settimeout(_remaining(deadline))
        chunk = response.read1(CHUNK)  # one receive at a time, each within the deadline
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise ImportFailed(_("The calendar is larger than 2 MB."))


def calendar_fetch(url: str) -> bytes:
    """Download a calendar over HTTP(S): public hosts only, at most 2 MB, FETCH_SECONDS in
    all (a server sending a byte now and then is cut off, too)."""
    deadline = clock.monotonic() + FETCH_SECONDS
    for _hop in range(MAX_REDIRECTS + 1):
        target = _target(url)
        connection = _connection(target, min(TIMEOUT_SECONDS, _remaining(deadline)))
        try:
            connection.request(
                "GET",
                target.path,
                headers={"User-Agent": "Rathaus-Traukalender/1.0", "Accept": "text/calendar"},
            )
            sock = connection.sock  # the response reads from it after the connection lets go
            sock.settimeout(_remaining(deadline))
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise ImportFailed(_("The calendar could not be downloaded."))
            return _read(response, sock, deadline)
        except (OSError, http.client.HTTPException, ValueError) as error:
            if clock.monotonic() >= deadline:
                _remaining(deadline)  # says that time ran out
            raise ImportFailed(_("The calendar could not be downloaded.")) from error
        finally:
            connection.close()
    raise ImportFailed(_("The calendar address redirects too often."))
