"""iCalendar (RFC 5545) helpers of every app: building calendars and events, answering with
validators, and reading an untrusted calendar file into busy times.

Building: the same data give the same bytes when the caller passes the record's last change
(not the clock) as DTSTAMP and LAST-MODIFIED, so a feed's ETag only changes when an event does
and a calendar app polling it gets `304 Not Modified` in between (`ics_response`). METHOD:PUBLISH
says the file is a published calendar, not an invitation to answer.

Reading (`blocks_parse`): single and repeating events (RRULE, EXDATE, RECURRENCE-ID), all-day
events, time zones (TZID) and floating times (read as Berlin time); free-time events
(TRANSP:TRANSPARENT) and cancelled ones are skipped. What cannot be read is refused as a whole
with a message that names the event and the reason (`IcsRefused`), never half read; repeating
events are expanded within limits of count, window and time.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from dateutil.rrule import rrulestr
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from icalendar import Calendar, Component, Event, vRecur

from .timezone import BERLIN, local_datetime

CONTENT_TYPE = "text/calendar; charset=utf-8"


# --- Building -----------------------------------------------------------------------------------


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def calendar_new(*, name: str, prodid: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def event_new(
    *,
    uid: str,
    changed: datetime,
    created: datetime,
    sequence: int,
    start: datetime,
    end: datetime,
    status: str,
    summary: str,
    location: str,
    description: str,
    url: str = "",
) -> Event:
    """One event; `changed` (the record's last change) is its DTSTAMP and LAST-MODIFIED."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", utc(changed))
    event.add("created", utc(created))
    event.add("last-modified", utc(changed))
    event.add("sequence", sequence)
    event.add("dtstart", utc(start))
    event.add("dtend", utc(end))
    event.add("status", status)
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    if url:
        event.add("url", url)
    return event


def ics_response(
    request: HttpRequest, body: bytes, *, last_modified: datetime | None, filename: str = ""
) -> HttpResponse:
    """An ICS answer with validators; `304 Not Modified` when the client's copy is current
    (If-None-Match first, If-Modified-Since otherwise, as RFC 9110 orders them)."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    stamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=stamp)
    if response is None:
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    return response


class IcsRefused(Exception):
    """A calendar file that cannot be read; `message` is for the person importing it."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class Block:
    """A busy time of a calendar: `uid` is the event's UID (plus the occurrence's start for
    repeating events), stable across re-reads of the same file."""

    uid: str
    start: datetime
    end: datetime


# --- Reading ------------------------------------------------------------------------------------

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
    """An event that cannot be read; `reason` is shown to the person importing."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(str(reason))


def _event_failed(uid: str, reason: str) -> IcsRefused:
    return IcsRefused(
        _("The event “%(uid)s” cannot be read: %(reason)s. Nothing was imported.")
        % {"uid": uid[:60] or "?", "reason": reason}
    )


def _instant(value: date) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=BERLIN)
    return local_datetime(value, time.min)


def _moment(event: Component, name: str, reason: str) -> date | None:
    """A DATE or DATE-TIME property, or `_Unreadable` (a text such as "notadate", an offset
    such as +0100, or the property given twice)."""
    value = event.decoded(name, None)
    if value is not None and not isinstance(value, date):
        raise _Unreadable(reason)
    return value


def _bounds(event: Component) -> tuple[datetime, datetime] | None:
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
        start, end = local_datetime(start, time.min), local_datetime(cast(date, end), time.min)
    else:
        start, end = _instant(start), _instant(cast(date, end))
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
    rules: list[Any]  # dateutil rrules
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


def _rules(event: Component, anchor: datetime) -> tuple[list[Any], list[int | None]]:
    unreadable = _("its repetition rule (RRULE) cannot be read")
    found = event["rrule"] if isinstance(event["rrule"], list) else [event["rrule"]]
    rules: list[Any] = []
    counts: list[int | None] = []
    for recur in found:
        if not isinstance(recur, vRecur) or not recur.get("FREQ"):
            raise _Unreadable(unreadable)
        if str(recur["FREQ"][0]).upper() not in FREQUENCIES:
            raise _Unreadable(_("it repeats more often than once a day"))
        if any(int(value) < 1 for value in recur.get("INTERVAL", [1])):
            raise _Unreadable(_("its repetition interval (INTERVAL) is not at least 1"))
        try:
            text = recur.to_ical().decode()  # type: ignore[no-untyped-call]
            rule = rrulestr(text, dtstart=anchor)
        except (ValueError, TypeError, OverflowError) as error:
            raise _Unreadable(unreadable) from error
        # COUNT is applied while expanding (it counts from DTSTART, not from the window).
        counts.append(rule._count)
        rules.append(rule.replace(count=None))
    return rules, counts


def _same_kind(value: date, floating: bool) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if floating:
        return value.astimezone(BERLIN).replace(tzinfo=None) if value.tzinfo else value
    return _instant(value)


def _repeating(event: Component, uid: str, start: datetime, end: datetime) -> _Repeating:
    raw_start = event.decoded("dtstart")
    all_day = not isinstance(raw_start, datetime)
    floating = all_day or raw_start.tzinfo is None
    anchor = _same_kind(raw_start, floating)
    if anchor.year < EARLIEST_YEAR:
        raise _Unreadable(_("it repeats from before the year %(year)s") % {"year": EARLIEST_YEAR})
    rules, counts = _rules(event, anchor)
    exdates: set[datetime] = set()
    groups = event.get("exdate", [])
    for group in groups if isinstance(groups, list) else [groups]:
        items = getattr(group, "dts", None)
        if items is None or not all(isinstance(item.dt, date) for item in items):
            raise _Unreadable(_("an excluded date (EXDATE) cannot be read"))
        exdates.update(_same_kind(item.dt, floating) for item in items)
    days = (end.astimezone(BERLIN).date() - start.astimezone(BERLIN).date()).days
    return _Repeating(uid, anchor, end - start, days if all_day else None, rules, counts, exdates)


def _expand(
    items: list[_Repeating], first: datetime, last: datetime, stop: threading.Event
) -> list[list[datetime]] | None:
    """Occurrence starts per event overlapping [first, last): lazily, at most MAX_BLOCKS + 1
    in all. Returns None when the limit was passed."""
    found: list[list[datetime]] = []
    total = 0
    for item in items:
        low, high = first, last
        if item.floating:
            low = first.astimezone(BERLIN).replace(tzinfo=None)
            high = last.astimezone(BERLIN).replace(tzinfo=None)
        moments: set[datetime] = set()
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


def _expand_bounded(
    items: list[_Repeating], first: datetime, last: datetime, horizon_days: int
) -> list[list[datetime]]:
    """`_expand` in a helper thread with a wall-time limit.

    dateutil can loop for seconds without yielding on a rule that never matches (e.g. the
    30th of February every day), which no check between occurrences can interrupt. The caller
    gives up after EXPAND_SECONDS; the thread then ends at its next occurrence or, for such a
    rule, when dateutil reaches the year 9999 on its own (a few seconds of CPU at most).
    """
    if not items:
        return []
    stop = threading.Event()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["found"] = _expand(items, first, last, stop)
        except (ValueError, TypeError, OverflowError):
            outcome["unreadable"] = True

    worker = threading.Thread(target=run, name="ics-expand", daemon=True)
    worker.start()
    worker.join(EXPAND_SECONDS)
    stop.set()
    if outcome.get("unreadable"):
        raise IcsRefused(
            _("A repeating event of this calendar cannot be read. Nothing was imported.")
        )
    if worker.is_alive() or "found" not in outcome:
        raise IcsRefused(
            _("The repeating events of this calendar take too long to read. Nothing was imported.")
        )
    found: list[list[datetime]] | None = outcome["found"]
    if found is None:
        raise _too_many(horizon_days)
    return found


def _too_many(horizon_days: int) -> IcsRefused:
    return IcsRefused(
        _(
            "The calendar has more than %(max)s events in the next %(days)s days. "
            "Nothing was imported."
        )
        % {"max": MAX_BLOCKS, "days": horizon_days}
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


def _readable_event(event: Component) -> tuple[str, tuple[datetime, datetime] | None]:
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

    Raises `IcsRefused` with a message for the person importing for anything it cannot
    read: then nothing is imported, rather than a part of the calendar.
    """
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise IcsRefused(_("This is not a valid calendar file (ICS).")) from error
    window_start = local_datetime(first, time.min)
    window_end = local_datetime(last + timedelta(days=1), time.min)
    horizon_days = (last - first).days
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
                key = _key(uid, _instant(cast(date, recurrence)))
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
            raise _too_many(horizon_days)
    expanded = _expand_bounded(repeating, window_start, window_end, horizon_days)
    for item, moments in zip(repeating, expanded, strict=True):
        for block in map(item.block, moments):
            blocks[block.uid] = block
    for key, override in overrides.items():
        if override is None:
            blocks.pop(key, None)
        else:
            blocks[key] = override
    inside = [
        b
        for b in blocks.values()
        if b.end > window_start and b.start < window_end and b.end > b.start
    ]
    if len(inside) > MAX_BLOCKS:
        raise _too_many(horizon_days)
    return sorted(inside, key=lambda b: (b.start, b.uid))
