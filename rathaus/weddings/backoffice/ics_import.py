"""Import a venue's own event calendar (ICS) as blocks on the venue.

Every event becomes a `Closure` on the venue's resource with `source="ics"` and
`source_uid` = the event's UID (plus the occurrence's start for repeating events). A re-import
updates those blocks in place, creates new ones and removes the ones whose event is gone, so
running it twice changes nothing. It never touches a booking: an event that overlaps a
reservation or wedding is not blocked but reported as a conflict for the registry office.

Supported: single and repeating events (RRULE, EXDATE, RECURRENCE-ID), all-day events,
time zones (TZID) and floating times (read as Berlin time). Free-time events
(TRANSP:TRANSPARENT) and cancelled ones are skipped.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from dateutil.rrule import rruleset, rrulestr
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar

from rathaus.audit import services as audit
from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling.models import Closure, Resource
from rathaus.scheduling.selectors import allocations_overlapping

from ..models import Venue, VenueCalendarSource

SOURCE = "ics"
MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_SECONDS = 15
HORIZON_DAYS = 800
MAX_OCCURRENCES = 1000


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


def _instant(value) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=BERLIN)
    return local_datetime(value, time.min)


def _bounds(event) -> tuple[datetime, datetime] | None:
    start = event.decoded("dtstart", None)
    if start is None:
        return None
    if "dtend" in event:
        end = event.decoded("dtend")
    elif "duration" in event:
        end = start + event.decoded("duration")
    else:
        end = start + timedelta(days=1) if not isinstance(start, datetime) else start
    if isinstance(start, datetime) != isinstance(end, datetime):
        end = start + timedelta(days=1)
    if not isinstance(start, datetime):  # all-day: whole Berlin days
        return local_datetime(start, time.min), local_datetime(end, time.min)
    return _instant(start), _instant(end)


def _key(uid: str, occurrence: datetime | None) -> str:
    key = uid if occurrence is None else f"{uid}#{occurrence.astimezone(BERLIN).isoformat()}"
    if len(key) > 200:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def _occurrences(event, start: datetime, length: timedelta, first: datetime, last: datetime):
    """Start instants of a repeating event that overlap [first, last)."""
    raw_start = event.decoded("dtstart")
    all_day = not isinstance(raw_start, datetime)
    anchor = start if all_day else _instant(raw_start)
    rules = rruleset()
    try:
        found_rules = event["rrule"] if isinstance(event["rrule"], list) else [event["rrule"]]
        for line in found_rules:
            rules.rrule(rrulestr(line.to_ical().decode(), dtstart=anchor))
        exdates = event.get("exdate", [])
        for group in exdates if isinstance(exdates, list) else [exdates]:
            for item in group.dts:
                rules.exdate(_instant(item.dt))
        moments = rules.between(first - length, last, inc=True)[:MAX_OCCURRENCES]
    except (ValueError, TypeError):
        return [start]  # a rule we cannot read: keep the first occurrence only
    if all_day:
        return [local_datetime(moment.astimezone(BERLIN).date(), time.min) for moment in moments]
    return moments


def blocks_parse(data: bytes, *, first: date, last: date) -> list[Block]:
    """The busy times of a calendar between `first` and `last` (Berlin days)."""
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise ImportFailed(_("This is not a valid calendar file (ICS).")) from error
    window_start = local_datetime(first, time.min)
    window_end = local_datetime(last + timedelta(days=1), time.min)
    overrides: dict[str, Block] = {}
    blocks: dict[str, Block] = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("uid", "")).strip()
        bounds = _bounds(event)
        if not uid or bounds is None:
            continue
        skip = str(event.get("transp", "")).upper() == "TRANSPARENT" or (
            str(event.get("status", "")).upper() == "CANCELLED"
        )
        start, end = bounds
        if "recurrence-id" in event:
            key = _key(uid, _instant(event.decoded("recurrence-id")))
            overrides[key] = None if skip else Block(key, start, end)
            continue
        if skip:
            continue
        if "rrule" in event:
            length = end - start
            for moment in _occurrences(event, start, length, window_start, window_end):
                key = _key(uid, moment)
                blocks[key] = Block(key, moment, moment + length)
        else:
            blocks[_key(uid, None)] = Block(_key(uid, None), start, end)
    for key, block in overrides.items():
        if block is None:
            blocks.pop(key, None)
        else:
            blocks[key] = block
    return sorted(
        (
            b
            for b in blocks.values()
            if b.end > window_start and b.start < window_end and b.end > b.start
        ),
        key=lambda b: (b.start, b.uid),
    )


# --- Applying ----------------------------------------------------------------------------------


def venue_calendar_import(*, actor, venue: Venue, data: bytes, now=None) -> ImportResult:
    """Bring the venue's imported blocks in line with the calendar. Idempotent."""
    now = now or timezone.now()
    today = now.astimezone(BERLIN).date()
    blocks = blocks_parse(data, first=today, last=today + timedelta(days=HORIZON_DAYS))
    result = ImportResult()
    with transaction.atomic():
        list(Resource.objects.select_for_update().filter(pk=venue.resource_id).values_list("pk"))
        existing = {
            c.source_uid: c
            for c in Closure.objects.filter(resource_id=venue.resource_id, source=SOURCE)
        }
        seen = set()
        for block in blocks:
            seen.add(block.uid)
            if allocations_overlapping(
                resource_ids=[venue.resource_id], start=block.start, end=block.end, now=now
            ).exists():
                result.conflicts.append(block)
                continue
            closure = existing.get(block.uid)
            if closure is None:
                Closure.objects.create(
                    resource_id=venue.resource_id,
                    start=block.start,
                    end=block.end,
                    reason=_("Event of the venue (calendar import)"),
                    source=SOURCE,
                    source_uid=block.uid,
                )
                result.created += 1
            elif (closure.start, closure.end) != (block.start, block.end):
                closure.start, closure.end = block.start, block.end
                closure.save(update_fields=["start", "end", "updated_at"])
                result.updated += 1
            else:
                result.unchanged += 1
        gone = [c.pk for uid, c in existing.items() if uid not in seen and c.end > now]
        gone += [existing[b.uid].pk for b in result.conflicts if b.uid in existing]
        result.removed = Closure.objects.filter(pk__in=gone).delete()[0]
        if result.created or result.updated or result.removed or result.conflicts:
            _audit(actor, venue, result)
    return result


def _audit(actor, venue: Venue, result: ImportResult) -> None:
    audit.venue_calendar_imported(
        actor=actor,
        venue=venue,
        created=result.created,
        updated=result.updated,
        removed=result.removed,
        conflicts=len(result.conflicts),
    )


# --- Fetching ----------------------------------------------------------------------------------


def _host_allowed(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if getattr(settings, "RATHAUS_ICS_IMPORT_ALLOW_PRIVATE_HOSTS", False):
        return True
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return False
    return all(ipaddress.ip_address(info[4][0]).is_global for info in infos)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not _host_allowed(newurl):
            raise ImportFailed(_("The calendar address redirects to a host that is not allowed."))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def calendar_fetch(url: str) -> bytes:
    """Download a calendar over HTTP(S): public hosts only, at most 2 MB, 15 seconds."""
    if not _host_allowed(url):
        raise ImportFailed(_("This calendar address cannot be used."))
    opener = urllib.request.build_opener(_CheckedRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": "Rathaus-Traukalender/1.0"})  # noqa: S310 - scheme and host checked above
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            data = response.read(MAX_BYTES + 1)
    except ImportFailed:
        raise
    except (OSError, ValueError) as error:
        raise ImportFailed(_("The calendar could not be downloaded.")) from error
    if len(data) > MAX_BYTES:
        raise ImportFailed(_("The calendar is larger than 2 MB."))
    return data


def venue_calendar_source_import(*, actor, source: VenueCalendarSource, now=None) -> ImportResult:
    """Fetch and import a venue's calendar address; the outcome is kept on the source."""
    now = now or timezone.now()
    try:
        result = venue_calendar_import(
            actor=actor, venue=source.venue, data=calendar_fetch(source.url), now=now
        )
    except ImportFailed as error:
        VenueCalendarSource.objects.filter(pk=source.pk).update(
            last_imported_at=now, last_result=str(error.message)[:300]
        )
        raise
    VenueCalendarSource.objects.filter(pk=source.pk).update(
        last_imported_at=now, last_result=result.summary()[:300]
    )
    return result


def venue_calendar_source_set(*, actor, venue: Venue, url: str) -> VenueCalendarSource | None:
    """Set (or with an empty `url`, remove) the address the nightly import reads."""
    with transaction.atomic():
        source = VenueCalendarSource.objects.select_for_update().filter(venue=venue).first()
        before = source.url if source else ""
        if before == url:
            return source
        if url:
            source, _created = VenueCalendarSource.objects.update_or_create(
                venue=venue, defaults={"url": url}
            )
        elif source:
            source.delete()
            source = None
        audit.venue_calendar_source_set(
            actor=actor,
            venue=venue,
            changes=[
                {"field": "url", "label": "calendar address (ICS)", "before": before, "after": url}
            ],
        )
    return source
