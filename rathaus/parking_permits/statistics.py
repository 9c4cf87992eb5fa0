"""Zone statistics for the Straßenverkehrsamt and Bottrop's Parkraumkonzept (issue 17): reads
only, a handful of aggregate queries for any range of months (never one per month or zone).

Definitions (docs/parking-permits.md, "Zone statistics", says the same for the office):

- A month is a calendar month in Europe/Berlin. Its *reference day* is its last day, or today
  for the running month.
- A permit is *valid at the month's end* when it started on or before the reference day, runs
  until that day or later, had not been revoked by the end of that day and did not end earlier
  because the holder moved out (`ends_on`). Resident, temporary and visitor permits are counted
  apart; only resident permits count against the spaces (VG Freiburg, 6 July 2005: more than
  three times the spaces goes too far). Visitor day permits are also counted for the whole
  month (valid on at least one of its days).
- Applications are counted in the month they were submitted: by kind, decided automatically
  (§ 46 Abs. 5 StVO) or by staff, refused, and still awaiting a decision at the month's end
  (withdrawn applications left out).
- Processing time in days, in the month of the decision (submitted → decided) or of the first
  resident permit (submitted → issued, payment included): median and 90th percentile by nearest
  rank (the smallest value with at least half, or 90 %, of the cases at or below it).
- Lookups come from the anonymous hourly tally of the enforcement lookups (zone and full hour,
  no plate, no officer) and are summed per zone by hour of day and by weekday in Berlin time:
  the hour that occurs twice when the clocks go back counts twice into its hour of day.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    Q,
    Sum,
    Value,
    When,
)

from rathaus.core.timezone import BERLIN, local_datetime

from .constants import OVERSUBSCRIPTION_FACTOR, ApplicationKind, PermitKind, Status
from .enforcement.models import LookupTally
from .models import Application, Permit, Zone

DEFAULT_MONTHS = 24
MAX_MONTHS = 120  # ten years: bounds the queries' width and the values read for percentiles


def month_add(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from `first` to `last`, both included."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [month_add(first.replace(day=1), n) for n in range(max(count, 0))]


def default_range(today: date) -> tuple[date, date]:
    """The last 24 months up to the current one."""
    last = today.replace(day=1)
    return month_add(last, 1 - DEFAULT_MONTHS), last


def reference_day(month: date, today: date) -> date:
    """The day a month's permits are counted on: its last day, today for the running month."""
    return min(month_add(month, 1) - timedelta(days=1), today)


def _day_start(day: date) -> datetime:
    return local_datetime(day, time.min)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it
    (values sorted ascending)."""
    if not values:
        return None
    rank = max(1, math.ceil(fraction * len(values) - 1e-9))
    return values[rank - 1]


@dataclass(frozen=True, slots=True)
class Spread:
    """Processing times in days."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, days: list[float]) -> Spread:
        days.sort()
        return cls(len(days), percentile(days, 0.5), percentile(days, 0.9))


@dataclass(frozen=True, slots=True)
class ZoneMonth:
    zone: Zone
    month: date
    day: date  # the reference day
    residents: int
    temporary: int
    visitors_at_end: int
    visitors_in_month: int

    @property
    def spaces(self) -> int:
        return self.zone.spaces

    @property
    def limit(self) -> int:
        return self.zone.spaces * OVERSUBSCRIPTION_FACTOR

    @property
    def ratio(self) -> float | None:
        return self.residents / self.zone.spaces if self.zone.spaces else None

    @property
    def over_limit(self) -> bool:
        return self.residents > self.limit


@dataclass(frozen=True, slots=True)
class ApplicationMonth:
    month: date
    submitted: int = 0
    new: int = 0
    renewal: int = 0
    plate_change: int = 0
    automatic: int = 0
    by_staff: int = 0
    refused: int = 0
    open_at_end: int = 0


@dataclass(frozen=True, slots=True)
class ProcessingMonth:
    month: date
    decided: Spread
    by_staff: Spread
    issued: Spread


@dataclass(frozen=True, slots=True)
class LookupRow:
    """One zone's lookups (and of them allowed) by hour of day (24) or weekday (7, Monday
    first). `zone` None: lookups outside every zone."""

    zone: Zone | None
    lookups: list[int]
    allowed: list[int]

    @property
    def total(self) -> int:
        return sum(self.lookups)


@dataclass(frozen=True)
class ZoneStatistics:
    first: date
    last: date
    today: date
    zones: list[Zone]
    zone_months: dict[int, list[ZoneMonth]]  # zone id -> one per month
    applications: list[ApplicationMonth]
    processing: list[ProcessingMonth]
    lookups_by_hour: list[LookupRow]
    lookups_by_weekday: list[LookupRow]
    months: list[date] = field(default_factory=list)

    def zone_rows(self) -> list[ZoneMonth]:
        return [row for zone in self.zones for row in self.zone_months[zone.pk]]


# --- Permits against spaces -------------------------------------------------------------------


def _valid_at_end_of(day: date) -> Q:
    return (
        Q(valid_from__lte=day, valid_until__gte=day)
        & (Q(revoked_at__isnull=True) | Q(revoked_at__gte=_day_start(day + timedelta(days=1))))
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    )


def _valid_in_month(month: date, day: date) -> Q:
    return (
        Q(valid_from__lte=day, valid_until__gte=month)
        & (Q(revoked_at__isnull=True) | Q(revoked_at__gte=_day_start(month)))
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=month))
    )


def zone_months(zones: list[Zone], months: list[date], today: date) -> dict[int, list[ZoneMonth]]:
    """One query: per zone and kind, a conditional count for each month's reference day."""
    days = [reference_day(month, today) for month in months]
    counts: dict[tuple[int, str], dict[str, int]] = {}
    if months:
        annotations = {
            f"end{n}": Count("pk", filter=_valid_at_end_of(d)) for n, d in enumerate(days)
        }
        annotations |= {
            f"in{n}": Count("pk", filter=_valid_in_month(m, d))
            for n, (m, d) in enumerate(zip(months, days, strict=True))
        }
        rows = (
            Permit.objects.filter(valid_until__gte=months[0], valid_from__lte=days[-1])
            .order_by()
            .values("zone_id", "kind")
            .annotate(**annotations)
        )
        counts = {(row["zone_id"], row["kind"]): row for row in rows}
    empty: dict[str, int] = {}
    result: dict[int, list[ZoneMonth]] = {}
    for zone in zones:
        resident = counts.get((zone.pk, PermitKind.RESIDENT), empty)
        temporary = counts.get((zone.pk, PermitKind.TEMPORARY), empty)
        visitor = counts.get((zone.pk, PermitKind.VISITOR), empty)
        result[zone.pk] = [
            ZoneMonth(
                zone=zone,
                month=month,
                day=day,
                residents=resident.get(f"end{n}", 0),
                temporary=temporary.get(f"end{n}", 0),
                visitors_at_end=visitor.get(f"end{n}", 0),
                visitors_in_month=visitor.get(f"in{n}", 0),
            )
            for n, (month, day) in enumerate(zip(months, days, strict=True))
        ]
    return result


# --- Applications and processing times --------------------------------------------------------


def _month_index(field_name: str, months: list[date]) -> Case:
    """The index of the (Berlin) month an instant falls in, by comparisons the database does
    itself (no time-zone function per row); -1 outside the months."""
    return Case(
        *[
            When(
                **{
                    f"{field_name}__gte": _day_start(month),
                    f"{field_name}__lt": _day_start(month_add(month, 1)),
                },
                then=Value(index),
            )
            for index, month in enumerate(months)
        ],
        default=Value(-1),
        output_field=IntegerField(),
    )


def applications_per_month(
    months: list[date], today: date, now: datetime
) -> list[ApplicationMonth]:
    """Two queries: counts by the month of submission, and the open cases at each month's end."""
    if not months:
        return []
    start, end = _day_start(months[0]), _day_start(month_add(months[-1], 1))
    decided = Q(decided_at__isnull=False)
    per_month = (
        Application.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month_index=_month_index("created_at", months))
        .order_by()
        .values("month_index")
        .annotate(
            n_submitted=Count("pk"),
            n_new=Count("pk", filter=Q(kind=ApplicationKind.NEW)),
            n_renewal=Count("pk", filter=Q(kind=ApplicationKind.RENEWAL)),
            n_plate_change=Count("pk", filter=Q(kind=ApplicationKind.PLATE_CHANGE)),
            n_automatic=Count("pk", filter=decided & Q(automatic=True)),
            n_by_staff=Count("pk", filter=decided & Q(automatic=False)),
            n_refused=Count("pk", filter=Q(status=Status.REFUSED)),
        )
    )
    # (annotations named apart from the fields: `automatic` would count itself)
    found = {
        row.pop("month_index"): {key[2:]: value for key, value in row.items()} for row in per_month
    }
    ends = [min(_day_start(month_add(month, 1)), now) for month in months]
    backlog = (
        Application.objects.exclude(status=Status.WITHDRAWN)
        .filter(created_at__lt=ends[-1])
        .filter(Q(decided_at__isnull=True) | Q(decided_at__gte=start))
        .aggregate(
            **{
                f"open{n}": Count(
                    "pk",
                    filter=Q(created_at__lt=moment)
                    & (Q(decided_at__isnull=True) | Q(decided_at__gte=moment)),
                )
                for n, moment in enumerate(ends)
            }
        )
    )
    return [
        ApplicationMonth(month=month, **found.get(n, {}), open_at_end=backlog[f"open{n}"] or 0)
        for n, month in enumerate(months)
    ]


class _DaysBetween(Func):
    """`end - start` in days (a float), computed by the database: no datetime per row here."""

    output_field = FloatField()
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
    arg_joiner = " - "

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )


def processing_per_month(months: list[date]) -> list[ProcessingMonth]:
    """Two queries of (month, processing days) in the range; medians and percentiles in
    Python (bounded by MAX_MONTHS of cases)."""
    if not months:
        return []
    start, end = _day_start(months[0]), _day_start(month_add(months[-1], 1))
    decided: dict[int, list[float]] = defaultdict(list)
    by_staff: dict[int, list[float]] = defaultdict(list)
    for index, automatic, days in (
        Application.objects.filter(decided_at__gte=start, decided_at__lt=end)
        .annotate(
            month_index=_month_index("decided_at", months),
            days=_DaysBetween(F("decided_at"), F("created_at")),
        )
        .values_list("month_index", "automatic", "days")
    ):
        days = max(round(days or 0.0, 6), 0.0)  # (a double's noise off, to 0.1 s)
        decided[index].append(days)
        if not automatic:
            by_staff[index].append(days)
    issued: dict[int, list[float]] = defaultdict(list)
    for index, days in (
        Application.objects.filter(permits__kind=PermitKind.RESIDENT)
        .annotate(first=Min("permits__issued_at"))
        .filter(first__gte=start, first__lt=end)
        .annotate(
            month_index=_month_index("first", months),
            days=_DaysBetween(F("first"), F("created_at")),
        )
        .values_list("month_index", "days")
    ):
        issued[index].append(max(round(days or 0.0, 6), 0.0))
    return [
        ProcessingMonth(
            month=month,
            decided=Spread.of(decided.get(n, [])),
            by_staff=Spread.of(by_staff.get(n, [])),
            issued=Spread.of(issued.get(n, [])),
        )
        for n, month in enumerate(months)
    ]


# --- Lookups ----------------------------------------------------------------------------------


class _UtcPart(Func):
    """Hour of day (0-23) or weekday (0 = Sunday) of a stored instant in UTC, computed by the
    database itself (Django's Extract on SQLite calls back into Python for every row)."""

    output_field = IntegerField()

    def __init__(self, expression: str, part: str) -> None:
        super().__init__(F(expression))
        self.part = part

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        unit = {"hour": "HOUR", "weekday": "DOW"}[self.part]
        template = f"EXTRACT({unit} FROM %(expressions)s AT TIME ZONE 'UTC')"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # four: the template's formatting and the cursor's each halve them
        code = {"hour": "%%%%H", "weekday": "%%%%w"}[self.part]
        template = f"CAST(strftime('{code}', %(expressions)s) AS INTEGER)"
        return super().as_sql(compiler, connection, template=template, **extra)


def berlin_offsets(start: datetime, end: datetime) -> list[tuple[datetime, datetime, int]]:
    """The stretches of UTC time from `start` to `end` with one offset of Berlin time (whole
    hours): found day by day, then to the hour (the switches happen on full hours)."""
    start_utc = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    end_utc = end.astimezone(UTC)

    def offset(moment: datetime) -> int:
        delta = moment.astimezone(BERLIN).utcoffset() or timedelta()
        return int(delta.total_seconds() // 3600)

    stretches: list[tuple[datetime, datetime, int]] = []
    begin, current, moment = start_utc, offset(start_utc), start_utc
    while moment < end_utc:
        following = min(moment + timedelta(days=1), end_utc)
        if offset(following) != current:  # Berlin switches at most once a day
            hour = moment
            while offset(hour) == current:
                hour += timedelta(hours=1)
            stretches.append((begin, hour, current))
            begin, current = hour, offset(hour)
        moment = following
    stretches.append((begin, end_utc, current))
    return [stretch for stretch in stretches if stretch[0] < stretch[1]]


def lookups_by_hour_and_weekday(
    zones: list[Zone], months: list[date]
) -> tuple[list[LookupRow], list[LookupRow]]:
    """One query: the tally grouped by zone, UTC hour, UTC weekday and Berlin's offset (a
    few hundred rows at most), turned into Berlin hours and weekdays here."""
    if not months:
        return [], []
    start, end = _day_start(months[0]), _day_start(month_add(months[-1], 1))
    offset = Case(
        *[
            When(hour__gte=begin, hour__lt=until, then=Value(hours))
            for begin, until, hours in berlin_offsets(start, end)
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    hours: dict[int | None, tuple[list[int], list[int]]] = {}
    days: dict[int | None, tuple[list[int], list[int]]] = {}
    for zone_id, utc_hour, utc_day, shift, lookups, allowed in (
        LookupTally.objects.filter(hour__gte=start, hour__lt=end)
        .annotate(
            utc_hour=_UtcPart("hour", "hour"), utc_day=_UtcPart("hour", "weekday"), shift=offset
        )
        .order_by()
        .values("zone_id", "utc_hour", "utc_day", "shift")
        .annotate(n=Sum("lookups"), a=Sum("allowed"))
        .values_list("zone_id", "utc_hour", "utc_day", "shift", "n", "a")
    ):
        local = int(utc_hour) + int(shift)
        hour = local % 24
        weekday = (int(utc_day) + local // 24 + 6) % 7  # Monday first
        by_hour = hours.setdefault(zone_id, ([0] * 24, [0] * 24))
        by_hour[0][hour] += lookups or 0
        by_hour[1][hour] += allowed or 0
        by_day = days.setdefault(zone_id, ([0] * 7, [0] * 7))
        by_day[0][weekday] += lookups or 0
        by_day[1][weekday] += allowed or 0

    def rows(table: dict[int | None, tuple[list[int], list[int]]], size: int) -> list[LookupRow]:
        found = [LookupRow(zone, *table.get(zone.pk, ([0] * size, [0] * size))) for zone in zones]
        if None in table:
            found.append(LookupRow(None, *table[None]))
        return found

    return rows(hours, 24), rows(days, 7)


# --- All of it --------------------------------------------------------------------------------


def zone_statistics(*, first: date, last: date, now: datetime) -> ZoneStatistics:
    """The figures from month `first` to month `last` (first days), counted as of `now`."""
    today = now.astimezone(BERLIN).date()
    months = months_between(first, min(last, today.replace(day=1)))[-MAX_MONTHS:]
    zones = list(Zone.objects.order_by("name"))
    by_hour, by_weekday = lookups_by_hour_and_weekday(zones, months)
    return ZoneStatistics(
        first=first.replace(day=1),
        last=last.replace(day=1),
        today=today,
        zones=zones,
        zone_months=zone_months(zones, months, today),
        applications=applications_per_month(months, today, now),
        processing=processing_per_month(months),
        lookups_by_hour=by_hour,
        lookups_by_weekday=by_weekday,
        months=months,
    )
