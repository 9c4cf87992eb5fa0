"""Reads of the scheduling core. Free-slot search costs one query for the bookings of any range
(plus one revision check: rules, openings and closures are cached, see rathaus/core/revision.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, connections
from django.db.models import Q, QuerySet
from django.utils import timezone

from rathaus.core import sql
from rathaus.core.revision import cached
from rathaus.core.timezone import local_datetime

from . import engine
from .constants import HOLD_STATUSES
from .models import Allocation, Booking, Closure, ExtraOpening, Resource, WeeklyRule


def _pattern(row: WeeklyRule | ExtraOpening) -> engine.Pattern:
    return engine.Pattern(
        mode=row.slot_mode,
        slot_minutes=row.slot_minutes,
        buffer_minutes=row.buffer_minutes,
        fixed_starts=tuple(time.fromisoformat(value) for value in row.fixed_starts or ()),
    )


def _epoch(value: str | datetime) -> int:
    if isinstance(value, str):  # SQLite stores UTC as text
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # …or hands it over parsed but naive; either way it is UTC
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


def _interval_rows(queryset: QuerySet[Closure]) -> list[tuple[int | None, int, int]]:
    """(resource_id, start, end) as epoch seconds, straight from the cursor.

    Free-slot search reads every booking in a year; Django's per-value datetime converters
    cost more than the whole interval arithmetic, so this one query skips them.
    """
    query = queryset.values_list("resource_id", "start", "end").query
    sql, params = query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [(resource_id, _epoch(start), _epoch(end)) for resource_id, start, end in cursor]


def active_allocations_q(now: datetime) -> Q:
    """Allocations that block their resource now: active, and not a hold past its expiry."""
    return Q(active=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


@dataclass(frozen=True)
class Availability:
    """Rules, openings and closures of every resource: what `calendars_between` filters."""

    rules: dict[int, list[engine.RuleSpec]]
    openings: dict[int, list[engine.OpeningSpec]]
    closures: dict[int | None, list[tuple[int, int]]]  # None: closures of every resource


def _availability_load() -> Availability:
    rules = defaultdict(list)
    for rule in WeeklyRule.objects.all():
        rules[rule.resource_id].append(
            engine.RuleSpec(
                weekday=rule.weekday,
                start_time=rule.start_time,
                end_time=rule.end_time,
                pattern=_pattern(rule),
                valid_from=rule.valid_from,
                valid_until=rule.valid_until,
                open_on_holidays=rule.open_on_holidays,
            )
        )
    openings = defaultdict(list)
    for opening in ExtraOpening.objects.all():
        openings[opening.resource_id].append(
            engine.OpeningSpec(
                opening.date,
                opening.start_time,
                opening.end_time,
                _pattern(opening),
                opening.despite_closures,
            )
        )
    closures = defaultdict(list)
    for resource_id, start, end in _interval_rows(Closure.objects.all()):
        closures[resource_id].append((start, end))
    return Availability(dict(rules), dict(openings), dict(closures))


def availability() -> Availability:
    """Every resource's rules, openings and closures, cached until one of them changes."""
    return cached("scheduling.availability", _availability_load)


def calendars_between(
    resource_ids: Iterable[int],
    first: date,
    last: date,
    *,
    now: datetime | None = None,
    ignore_booking_ids: Iterable[int] = (),
    include_bookings: bool = True,
) -> list[engine.ResourceCalendar]:
    """Rules, openings, closures and bookings of many resources: one query for the bookings
    (rules, openings and closures come from `availability()`).

    `include_bookings=False` leaves bookings out, for a caller that has checked them itself.
    """
    ids = list(resource_ids)
    now = now or timezone.now()
    range_start = local_datetime(first, time.min)
    range_end = local_datetime(last + timedelta(days=1), time.min)
    low, high = int(range_start.timestamp()), int(range_end.timestamp())
    data = availability()

    def in_range(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(start, end) for start, end in intervals if start < high and end > low]

    global_closures = in_range(data.closures.get(None, ()))
    blocked = {resource_id: in_range(data.closures.get(resource_id, ())) for resource_id in ids}
    bookings = (
        allocation_intervals(ids, range_start, range_end, now, ignore_booking_ids)
        if include_bookings and ids
        else []
    )
    for resource_id, start, end in bookings:
        blocked[resource_id].append((start, end))
    openings = {
        resource_id: [
            opening
            for opening in data.openings.get(resource_id, ())
            if first <= opening.date <= last
        ]
        for resource_id in ids
    }

    return [
        engine.ResourceCalendar(
            resource_id=resource_id,
            rules=[
                rule
                for rule in data.rules.get(resource_id, ())
                if (rule.valid_from is None or rule.valid_from <= last)
                and (rule.valid_until is None or rule.valid_until >= first)
            ],
            openings=openings[resource_id],
            blocked=blocked[resource_id]
            + _global_closures_for(global_closures, openings[resource_id]),
        )
        for resource_id in ids
    ]


def _global_closures_for(
    closures: list[tuple[int, int]], openings: list[engine.OpeningSpec]
) -> list[tuple[int, int]]:
    """Closures of every resource, less this resource's emergency openings."""
    holes = [opening.bounds() for opening in openings if opening.despite_closures]
    return engine.subtract(closures, holes) if holes and closures else closures


# The database hands over epoch seconds itself: turning thousands of timestamps into datetimes
# and back cost more than the free-time arithmetic (bench/appointments.py).
_BLOCKING_COLUMNS = {
    "postgresql": (
        'resource_id, FLOOR(EXTRACT(EPOCH FROM start))::bigint, FLOOR(EXTRACT(EPOCH FROM "end"))'
        "::bigint"
    ),
    # SQLite keeps UTC text; strftime turns it into epoch seconds in C ('%%' is a literal %)
    "sqlite": "resource_id, CAST(strftime('%%s', start) AS INTEGER), "
    "CAST(strftime('%%s', \"end\") AS INTEGER)",
}
_BLOCKING = """
SELECT {columns} FROM scheduling_allocation
WHERE active AND (expires_at IS NULL OR expires_at > %s) AND resource_id IN ({ids})
  AND start < %s AND "end" > %s
"""


def allocation_intervals(
    resource_ids: list[int],
    range_start: datetime,
    range_end: datetime,
    now: datetime,
    ignore_booking_ids: Iterable[int] = (),
) -> list[tuple[int, int, int]]:
    """(resource_id, start, end) in epoch seconds of the allocations that block these resources
    (`active_allocations_q`) somewhere in the range."""
    ignored = list(ignore_booking_ids)
    query = _BLOCKING + (" AND booking_id NOT IN ({ignored})" if ignored else "")
    query = query.replace("{columns}", _BLOCKING_COLUMNS[connection.vendor])
    found = sql.rows(
        sql.with_lists(query, ids=len(resource_ids), ignored=len(ignored)),
        [now, *resource_ids, range_end, range_start, *ignored],
    )
    return [(resource_id, int(start), int(end)) for resource_id, start, end in found]


_LAPSED_OR_CLASHING = """
SELECT booking_id, expires_at IS NOT NULL AND expires_at <= %s FROM scheduling_allocation
WHERE active AND resource_id IN ({ids})
  AND ((expires_at IS NOT NULL AND expires_at <= %s) OR {overlaps})
"""
_OVERLAP = '(resource_id = %s AND start < %s AND "end" > %s)'


def allocations_lapsed_or_clashing(
    ranges: list[tuple[int, datetime, datetime]], now: datetime
) -> tuple[set[int], set[int]]:
    """One read for the booking door, over the resources of `ranges`: the bookings whose hold or
    quarantine there has lapsed (to be expired), and those that block one of the ranges."""
    resource_ids = sorted({resource_id for resource_id, _start, _end in ranges})
    query = sql.with_lists(_LAPSED_OR_CLASHING, ids=len(resource_ids))
    found = sql.rows(
        query.replace("{overlaps}", " OR ".join([_OVERLAP] * len(ranges))),
        [
            now,
            *resource_ids,
            now,
            *(value for resource_id, start, end in ranges for value in (resource_id, end, start)),
        ],
    )
    lapsed = {booking_id for booking_id, is_lapsed in found if is_lapsed}
    return lapsed, {booking_id for booking_id, is_lapsed in found if not is_lapsed}


def slots_free_between(
    *, resource_ids: Iterable[int], first: date, last: date, now: datetime | None = None
) -> list[engine.Slot]:
    """Free slots of the given resources, from `first` to `last` inclusive, starting after now."""
    now = now or timezone.now()
    calendars = calendars_between(resource_ids, first, last, now=now)
    return engine.free_slots(calendars, first, last, not_before=engine.epoch(now) + 1)


def free_by_duration_between(
    *,
    resource_ids: Iterable[int],
    first: date,
    last: date,
    minutes: int,
    step_minutes: int = 5,
    now: datetime | None = None,
) -> list[engine.Slot]:
    """Times of `minutes` length (the domain sums them, e.g. per chosen service) at which one of
    the resources is free, starting on a `step_minutes` grid after now: for resources open in
    `window` pattern (a counter), respecting rules, openings, holidays, closures and bookings.
    One query for the bookings, as `slots_free_between`; sorted by start, then resource."""
    now = now or timezone.now()
    calendars = calendars_between(resource_ids, first, last, now=now)
    return engine.free_by_duration(
        calendars,
        first,
        last,
        length=minutes * 60,
        step=step_minutes * 60,
        not_before=engine.epoch(now) + 1,
    )


def resources_active(kind: str) -> list[Resource]:
    return list(Resource.objects.filter(kind=kind, active=True))


def allocations_overlapping(
    *, resource_ids: Iterable[int], start: datetime, end: datetime, now: datetime
) -> QuerySet[Allocation]:
    return Allocation.objects.filter(active_allocations_q(now)).filter(
        resource_id__in=list(resource_ids), start__lt=end, end__gt=start
    )


def holds_expired(now: datetime) -> QuerySet[Booking]:
    """Holds whose expiry has passed but which the clean-up has not marked yet."""
    return Booking.objects.filter(status__in=HOLD_STATUSES, expires_at__lte=now)
