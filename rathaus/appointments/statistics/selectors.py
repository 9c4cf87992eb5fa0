"""Reads for the statistics: two queries for the appointments of a period and their requests,
the counters' calendars from the scheduling core's cache, and the optional demand port.

A year of 45,000 appointments is read as plain values (no model instances) and turned into
`figures.Row`s; local dates are computed from epoch seconds with a per-hour offset cache
instead of a time-zone conversion per value (bench/appointments_stats.py).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from hashlib import sha256
from typing import Any

from django.core.cache import cache
from django.db.models import CharField, Count, Max, Min
from django.db.models.functions import Cast

from rathaus.accounts import roles
from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling import engine
from rathaus.scheduling.selectors import calendars_between

from ..constants import LocationKind
from ..models import Appointment, Location, Request
from ..selectors import catalogue, counters_kept_for_same_day
from .figures import Row, Statistics, statistics_compute
from .ports import same_day_demand


def access_statistics(user: Any) -> bool:
    """The citizen-office administration (and superusers)."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return bool(user.groups.filter(name=roles.CITIZEN_OFFICE_ADMIN).exists())


def statistics_locations() -> list[Location]:
    """The Bürgerbüro's locations (Rathaus and Kirchhellen), not the Wohngeldstelle or the
    Standesamt, which book through the same app."""
    return sorted(
        (
            location
            for location in catalogue().locations.values()
            if location.kind == LocationKind.CITIZEN_OFFICE
        ),
        key=lambda location: (location.order, location.slug),
    )


def _year_range(first: int, last: int) -> tuple[datetime, datetime]:
    return (
        local_datetime(date(first, 1, 1), time.min),
        local_datetime(date(last + 1, 1, 1), time.min),
    )


def statistics_years(location_ids: list[int], today: date) -> list[int]:
    """Every year from the first to the last appointment (and this year), newest first."""
    found = Appointment.objects.filter(location_id__in=location_ids).aggregate(
        first=Min("start"), last=Max("start")
    )
    years = {today.year}
    if found["first"] is not None and found["last"] is not None:
        first = found["first"].astimezone(BERLIN).year
        last = found["last"].astimezone(BERLIN).year
        years.update(range(first, last + 1))
    return sorted(years, reverse=True)


def statistics_default_year(location_ids: list[int], today: date) -> int:
    """This year when it has an appointment, else the latest year before it that has one."""
    start, end = _year_range(today.year, today.year)
    in_year = Appointment.objects.filter(
        location_id__in=location_ids, start__gte=start, start__lt=end
    )
    if in_year.exists():
        return today.year
    latest = (
        Appointment.objects.filter(location_id__in=location_ids, start__lt=start)
        .aggregate(last=Max("start"))
        .get("last")
    )
    return latest.astimezone(BERLIN).year if latest is not None else today.year


@lru_cache(maxsize=65536)
def _offset_in_hour(hour: int) -> int:
    moment = datetime.fromtimestamp(hour * 3600, UTC).astimezone(BERLIN)
    offset = moment.utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


_ORDINAL_1970 = date(1970, 1, 1).toordinal()


def _local_ordinal(seconds: int) -> int:
    return _ORDINAL_1970 + (seconds + _offset_in_hour(seconds // 3600)) // 86400


@lru_cache(maxsize=65536)
def _hour_ordinal(hour: str) -> int:
    """The local date (ordinal) of a UTC hour written 'YYYY-MM-DD HH'."""
    moment = datetime.fromisoformat(f"{hour}:00:00").replace(tzinfo=UTC)
    return _local_ordinal(int(moment.timestamp()))


def _local_day(text: str) -> int:
    """The local date (ordinal) of a stored instant read as text: cheaper than the database
    adapter's per-value datetime conversion. Django keeps instants in UTC (SQLite: no zone,
    PostgreSQL: the connection's zone, UTC), so the hour decides the local date."""
    zone = text[19:].lstrip(".0123456789")  # after the seconds and their fraction
    if zone in ("", "+00", "+00:00"):
        return _hour_ordinal(text[:13])
    return _local_ordinal(int(datetime.fromisoformat(text).timestamp()))


def statistics_rows(location_ids: list[int], first: date, last: date) -> list[Row]:
    """The appointments starting from `first` to `last` at these locations, as rows. Counter
    minutes are the sum of the requests' minutes."""
    start = local_datetime(first, time.min)
    end = local_datetime(last + timedelta(days=1), time.min)
    appointments = Appointment.objects.filter(
        location_id__in=location_ids, start__gte=start, start__lt=end
    )
    minutes: dict[int, int] = {}
    services: dict[int, list[int]] = {}
    for appointment_id, service_id, planned in Request.objects.filter(
        person__appointment__in=appointments
    ).values_list("person__appointment_id", "service_id", "minutes"):
        minutes[appointment_id] = minutes.get(appointment_id, 0) + planned
        services.setdefault(appointment_id, []).append(service_id)
    text = CharField()
    fromordinal, day_of, make, no_services = date.fromordinal, _local_day, Row._make, ()
    rows = []
    for pk, location_id, status, channel, begins, booked in appointments.values_list(
        "id", "location_id", "status", "channel", Cast("start", text), Cast("booked_at", text)
    ):
        day = day_of(begins)
        rows.append(
            make(
                (
                    location_id,
                    status,
                    channel,
                    fromordinal(day),
                    day - day_of(booked),
                    minutes.get(pk, 0),
                    tuple(services.get(pk, no_services)),
                    1,
                )
            )
        )
    return rows


def capacity_minutes(
    location_ids: list[int], first: date, last: date
) -> dict[tuple[int, date], tuple[int, int]]:
    """(location id, month) -> (open counter minutes, of which on counters kept for the same
    day): weekly hours and extra openings after holidays and closures, bookings ignored.
    Which counters are kept is today's configuration (counters_kept_for_same_day)."""
    data = catalogue()
    by_resource: dict[int, tuple[int, bool]] = {}
    for location in data.locations.values():
        if location.pk not in location_ids:
            continue
        kept = counters_kept_for_same_day(location)
        for info in data.counters.get(location.pk, []):
            by_resource[info.resource_id] = (location.pk, info.id in kept)
    result: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for calendar in calendars_between(list(by_resource), first, last, include_bookings=False):
        location_id, kept_counter = by_resource[calendar.resource_id]
        for start, end in engine.free_intervals(calendar, first, last):
            month = date.fromordinal(_local_ordinal(start)).replace(day=1)
            cell = result[(location_id, month)]
            cell[0] += (end - start) // 60
            if kept_counter:
                cell[1] += (end - start) // 60
    return {key: (planned, kept) for key, (planned, kept) in result.items()}


def demand_per_month(location_ids: list[int], first: date, last: date) -> dict[date, int] | None:
    per_day = same_day_demand(location_ids, first, last)
    if per_day is None:
        return None
    months: dict[date, int] = defaultdict(int)
    for (location_id, day), count in per_day.items():
        if location_id in location_ids and first <= day <= last:
            months[day.replace(day=1)] += count
    return dict(months)


CACHE_SECONDS = 60


def statistics_for(*, location_ids: list[int], first: date, last: date) -> Statistics:
    """The figures of the period. The page asks for them once and its charts five times more
    within seconds: the result is cached for a minute, keyed by the appointments' count and
    latest change in the period (a change through `save()` is seen at once)."""
    start = local_datetime(first, time.min)
    end = local_datetime(last + timedelta(days=1), time.min)
    version = Appointment.objects.filter(
        location_id__in=location_ids, start__gte=start, start__lt=end
    ).aggregate(count=Count("id"), changed=Max("updated_at"))
    parts = (sorted(location_ids), first, last, version["count"], version["changed"])
    key = "appointments.statistics:" + sha256(repr(parts).encode()).hexdigest()
    cached_stats = cache.get(key)
    if isinstance(cached_stats, Statistics):
        return cached_stats
    stats = statistics_compute(
        first=first,
        last=last,
        location_ids=location_ids,
        rows=statistics_rows(location_ids, first, last),
        capacity=capacity_minutes(location_ids, first, last),
        demand=demand_per_month(location_ids, first, last),
    )
    cache.set(key, stats, CACHE_SECONDS)
    return stats
