"""Reads of the scheduling core. Free-slot search costs a fixed handful of queries for any range."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.db import connections
from django.db.models import Q
from django.utils import timezone

from rathaus.core.timezone import local_datetime

from . import engine
from .constants import HOLD_STATUSES
from .models import Allocation, Booking, Closure, ExtraOpening, Resource, WeeklyRule


def _pattern(row) -> engine.Pattern:
    return engine.Pattern(
        mode=row.slot_mode,
        slot_minutes=row.slot_minutes,
        buffer_minutes=row.buffer_minutes,
        fixed_starts=tuple(time.fromisoformat(value) for value in row.fixed_starts or ()),
    )


def _epoch(value) -> int:
    if isinstance(value, str):  # SQLite stores UTC as text
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # …or hands it over parsed but naive; either way it is UTC
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


def _interval_rows(queryset) -> list[tuple[int | None, int, int]]:
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


def calendars_between(
    resource_ids: Iterable[int],
    first: date,
    last: date,
    *,
    now: datetime | None = None,
    ignore_booking_ids: Iterable[int] = (),
    include_bookings: bool = True,
) -> list[engine.ResourceCalendar]:
    """Load rules, openings, closures and bookings of many resources with four queries.

    `include_bookings=False` leaves bookings out (three queries), for a caller that has
    checked them itself.
    """
    ids = list(resource_ids)
    now = now or timezone.now()
    range_start = local_datetime(first, time.min)
    range_end = local_datetime(last + timedelta(days=1), time.min)

    rules = defaultdict(list)
    for rule in WeeklyRule.objects.filter(resource_id__in=ids).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=last),
        Q(valid_until__isnull=True) | Q(valid_until__gte=first),
    ):
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
    for opening in ExtraOpening.objects.filter(resource_id__in=ids, date__range=(first, last)):
        openings[opening.resource_id].append(
            engine.OpeningSpec(
                opening.date, opening.start_time, opening.end_time, _pattern(opening)
            )
        )
    blocked = defaultdict(list)
    global_closures = []
    for resource_id, start, end in _interval_rows(
        Closure.objects.filter(
            Q(resource_id__in=ids) | Q(resource__isnull=True),
            start__lt=range_end,
            end__gt=range_start,
        )
    ):
        interval = (start, end)
        if resource_id is None:
            global_closures.append(interval)
        else:
            blocked[resource_id].append(interval)
    bookings = (
        _interval_rows(
            Allocation.objects.filter(active_allocations_q(now))
            .filter(resource_id__in=ids, start__lt=range_end, end__gt=range_start)
            .exclude(booking_id__in=list(ignore_booking_ids))
        )
        if include_bookings
        else []
    )
    for resource_id, start, end in bookings:
        blocked[resource_id].append((start, end))

    return [
        engine.ResourceCalendar(
            resource_id=resource_id,
            rules=rules[resource_id],
            openings=openings[resource_id],
            blocked=blocked[resource_id] + global_closures,
        )
        for resource_id in ids
    ]


def slots_free_between(
    *, resource_ids: Iterable[int], first: date, last: date, now: datetime | None = None
) -> list[engine.Slot]:
    """Free slots of the given resources, from `first` to `last` inclusive, starting after now."""
    now = now or timezone.now()
    calendars = calendars_between(resource_ids, first, last, now=now)
    return engine.free_slots(calendars, first, last, not_before=engine.epoch(now) + 1)


def resources_active(kind: str) -> list[Resource]:
    return list(Resource.objects.filter(kind=kind, active=True))


def allocations_overlapping(
    *, resource_ids: Iterable[int], start: datetime, end: datetime, now: datetime
):
    return Allocation.objects.filter(active_allocations_q(now)).filter(
        resource_id__in=list(resource_ids), start__lt=end, end__gt=start
    )


def allocations_clashing(ranges: Iterable[tuple[int, datetime, datetime]], *, now: datetime):
    """Blocking allocations overlapping any of the (resource, start, end) ranges: one query."""
    overlap = Q()
    for resource_id, start, end in ranges:
        overlap |= Q(resource_id=resource_id, start__lt=end, end__gt=start)
    return Allocation.objects.filter(active_allocations_q(now)).filter(overlap)


def holds_expired(now: datetime):
    """Holds whose expiry has passed but which the clean-up has not marked yet."""
    return Booking.objects.filter(status__in=HOLD_STATUSES, expires_at__lte=now)
