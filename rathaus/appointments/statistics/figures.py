"""The figures, computed from plain rows: no database, no clock, no translation.

Definitions (docs/appointments-statistics.md says the same for the council):

- An appointment *held a counter* unless it was cancelled, lapsed unconfirmed or is a bare
  hold: statuses pending, confirmed, done and no-show.
- *Lead time* = the local date of the appointment minus the local date it was booked, in
  days, over the appointments that held a counter. The target: at most `LEAD_TARGET_DAYS`.
- *No-show rate* = no-shows / (no-shows + done): only appointments whose outcome is known.
  By service, an appointment counts once for each service booked in it.
- *Capacity*: planned = the counters' open minutes (weekly hours and extra openings, after
  holidays and closures); booked = counter minutes of the appointments that held a counter;
  used = counter minutes of those that were done. Counter minutes are the sum of the
  requests' planned minutes (a family at parallel counters occupies each counter for its
  person), the appointment's length when it has none.
- *Same day*: supply = the open minutes of the counters kept for the same day; served =
  appointments of the same-day channel; demand = requests in the same-day window as counted by
  the registered provider (`ports`), otherwise unknown (the served count is a lower bound).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

LEAD_TARGET_DAYS = 14

# Statuses as stored (constants.AppointmentStatus); repeated here so this module stays pure.
DONE, NO_SHOW = "done", "no_show"
HELD_A_COUNTER = frozenset({"pending", "confirmed", DONE, NO_SHOW})
CANCELLED = "cancelled"
SAME_DAY = "same_day"


@dataclass(frozen=True, slots=True)
class Bucket:
    """Lead times from `low` to `high` days (both included; `high` None: and more)."""

    low: int
    high: int | None

    @property
    def key(self) -> str:
        if self.high is None:
            return f"{self.low}+"
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"

    def holds(self, days: int) -> bool:
        return days >= self.low and (self.high is None or days <= self.high)

    @property
    def within_target(self) -> bool:
        return self.high is not None and self.high <= LEAD_TARGET_DAYS


LEAD_BUCKETS: tuple[Bucket, ...] = (
    Bucket(0, 0),
    Bucket(1, 3),
    Bucket(4, 7),
    Bucket(8, 14),
    Bucket(15, 21),
    Bucket(22, 28),
    Bucket(29, 42),
    Bucket(43, None),
)


def bucket_of(days: int) -> Bucket:
    for bucket in LEAD_BUCKETS:
        if bucket.holds(days):
            return bucket
    return LEAD_BUCKETS[0]  # a negative lead (booked after the fact) counts as the same day


class Row(NamedTuple):
    """Appointments as the statistics see them: `weight` of them alike in every field."""

    location_id: int
    status: str
    channel: str
    day: date  # local date of the start
    lead_days: int
    minutes: int  # counter minutes of one of them
    services: tuple[int, ...] = ()
    weight: int = 1


@dataclass(slots=True)
class Share:
    count: int = 0
    base: int = 0

    @property
    def percent(self) -> float | None:
        return 100 * self.count / self.base if self.base else None


def percentile(histogram: Mapping[int, int], fraction: float) -> int | None:
    """The smallest value at or below which `fraction` of the counted values lie."""
    total = sum(histogram.values())
    if not total:
        return None
    needed, seen = fraction * total, 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= needed:
            return value
    return max(histogram)


@dataclass(slots=True)
class LeadFigures:
    histogram: Counter[int] = field(default_factory=Counter)  # lead days -> appointments

    @property
    def total(self) -> int:
        return sum(self.histogram.values())

    @property
    def within_target(self) -> Share:
        within = sum(n for days, n in self.histogram.items() if days <= LEAD_TARGET_DAYS)
        return Share(within, self.total)

    @property
    def median(self) -> int | None:
        return percentile(self.histogram, 0.5)

    @property
    def p90(self) -> int | None:
        return percentile(self.histogram, 0.9)

    @property
    def mean(self) -> float | None:
        total = self.total
        return sum(d * n for d, n in self.histogram.items()) / total if total else None

    def buckets(self) -> list[tuple[Bucket, int]]:
        counts: Counter[Bucket] = Counter()
        for days, n in self.histogram.items():
            counts[bucket_of(days)] += n
        return [(bucket, counts[bucket]) for bucket in LEAD_BUCKETS]


@dataclass(slots=True)
class CapacityCell:
    planned: int = 0  # open counter minutes
    booked: int = 0
    used: int = 0
    appointments: int = 0  # that held a counter

    @property
    def booked_share(self) -> Share:
        return Share(self.booked, self.planned)

    @property
    def used_share(self) -> Share:
        return Share(self.used, self.planned)

    def add(self, other: CapacityCell) -> None:
        self.planned += other.planned
        self.booked += other.booked
        self.used += other.used
        self.appointments += other.appointments


@dataclass(slots=True)
class SameDayCell:
    supply_minutes: int = 0  # open minutes of the counters kept for the same day
    served: int = 0
    served_minutes: int = 0
    demand: int | None = None  # requests in the window, when a provider counts them

    def supply_appointments(self, mean_minutes: float | None) -> int | None:
        """The kept minutes as appointments of the mean same-day length (rounded down)."""
        if not mean_minutes:
            return None
        return int(self.supply_minutes // mean_minutes)

    def add(self, other: SameDayCell) -> None:
        self.supply_minutes += other.supply_minutes
        self.served += other.served
        self.served_minutes += other.served_minutes
        if other.demand is not None:
            self.demand = (self.demand or 0) + other.demand


@dataclass
class Statistics:
    first: date
    last: date
    months: list[date]
    location_ids: list[int]
    appointments: int = 0  # every appointment in the period, also cancelled ones
    held: int = 0  # that held a counter
    cancelled: int = 0
    channels: Counter[str] = field(default_factory=Counter)  # of those that held a counter
    lead: LeadFigures = field(default_factory=LeadFigures)
    lead_by_month: dict[date, LeadFigures] = field(default_factory=dict)
    no_show: Share = field(default_factory=Share)
    no_show_by_weekday: dict[int, Share] = field(default_factory=dict)
    no_show_by_lead: dict[Bucket, Share] = field(default_factory=dict)
    no_show_by_service: dict[int, Share] = field(default_factory=dict)
    capacity: dict[tuple[int, date], CapacityCell] = field(default_factory=dict)
    same_day: dict[date, SameDayCell] = field(default_factory=dict)
    demand_known: bool = False

    # --- views on the figures -------------------------------------------------------------

    def capacity_cell(self, location_id: int, month: date) -> CapacityCell:
        cell = self.capacity.get((location_id, month))
        if cell is None:
            cell = self.capacity[(location_id, month)] = CapacityCell()
        return cell

    def capacity_by_month(self) -> list[tuple[date, CapacityCell]]:
        result = []
        for month in self.months:
            cell = CapacityCell()
            for location_id in self.location_ids:
                cell.add(self.capacity_cell(location_id, month))
            result.append((month, cell))
        return result

    def capacity_by_location(self) -> list[tuple[int, CapacityCell]]:
        result = []
        for location_id in self.location_ids:
            cell = CapacityCell()
            for month in self.months:
                cell.add(self.capacity_cell(location_id, month))
            result.append((location_id, cell))
        return result

    def capacity_total(self) -> CapacityCell:
        total = CapacityCell()
        for _month, cell in self.capacity_by_month():
            total.add(cell)
        return total

    def same_day_by_month(self) -> list[tuple[date, SameDayCell]]:
        return [(month, self.same_day.setdefault(month, SameDayCell())) for month in self.months]

    def same_day_total(self) -> SameDayCell:
        total = SameDayCell()
        for _month, cell in self.same_day_by_month():
            total.add(cell)
        return total

    def same_day_mean_minutes(self) -> float | None:
        total = self.same_day_total()
        return total.served_minutes / total.served if total.served else None

    def no_show_weekdays(self) -> list[tuple[int, Share]]:
        return sorted(self.no_show_by_weekday.items())

    def no_show_leads(self) -> list[tuple[Bucket, Share]]:
        return [(bucket, self.no_show_by_lead.get(bucket, Share())) for bucket in LEAD_BUCKETS]

    def no_show_services(self) -> list[tuple[int, Share]]:
        """Services by how many decided appointments had them, most first."""
        return sorted(self.no_show_by_service.items(), key=lambda item: (-item[1].base, item[0]))


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def statistics_compute(
    *,
    first: date,
    last: date,
    location_ids: Sequence[int],
    rows: Iterable[Row],
    capacity: Mapping[tuple[int, date], tuple[int, int]] | None = None,
    demand: Mapping[date, int] | None = None,
) -> Statistics:
    """Every figure of the period `first`–`last` (rows outside it and of other locations are
    left out). `capacity`: (location id, month) -> (open minutes, of which kept for the same
    day); `demand`: month -> same-day requests, when known."""
    stats = Statistics(first, last, months_between(first, last), list(location_ids))
    wanted = set(location_ids)
    # Tallies in plain dictionaries (the hot loop runs once per appointment); Shares at the end.
    decided_only: dict[tuple[str, object], int] = {}  # done
    missed: dict[tuple[str, object], int] = {}  # no-show
    buckets: dict[int, Bucket] = {}
    same_day = stats.same_day
    histogram = stats.lead.histogram
    for row in rows:
        if row.location_id not in wanted or not first <= row.day <= last:
            continue
        n = row.weight
        stats.appointments += n
        status = row.status
        if status not in HELD_A_COUNTER:
            if status == CANCELLED:
                stats.cancelled += n
            continue
        stats.held += n
        stats.channels[row.channel] += n
        month = row.day.replace(day=1)
        lead = row.lead_days
        histogram[lead] += n
        by_month = stats.lead_by_month.get(month)
        if by_month is None:
            by_month = stats.lead_by_month[month] = LeadFigures()
        by_month.histogram[lead] += n
        cell = stats.capacity_cell(row.location_id, month)
        cell.booked += row.minutes * n
        cell.appointments += n
        if row.channel == SAME_DAY:
            day_cell = same_day.setdefault(month, SameDayCell())
            day_cell.served += n
            day_cell.served_minutes += row.minutes * n
        if status != DONE and status != NO_SHOW:
            continue
        bucket = buckets.get(lead)
        if bucket is None:
            bucket = buckets[lead] = bucket_of(lead)
        tally = missed if status == NO_SHOW else decided_only
        keys: list[tuple[str, object]] = [
            ("all", None),
            ("weekday", row.day.weekday()),
            ("lead", bucket),
        ]
        keys += [("service", service) for service in set(row.services)]
        for key in keys:
            tally[key] = tally.get(key, 0) + n
        if status == DONE:
            cell.used += row.minutes * n
    targets: dict[str, dict[Any, Share]] = {
        "weekday": stats.no_show_by_weekday,
        "lead": stats.no_show_by_lead,
        "service": stats.no_show_by_service,
    }
    for kind, name in {**decided_only, **missed}:
        count = missed.get((kind, name), 0)
        share = Share(count, count + decided_only.get((kind, name), 0))
        if kind == "all":
            stats.no_show = share
        else:
            targets[kind][name] = share
    months = set(stats.months)
    for (location_id, month), (planned, kept) in (capacity or {}).items():
        if location_id in wanted and month in months:
            stats.capacity_cell(location_id, month).planned += planned
            same_day.setdefault(month, SameDayCell()).supply_minutes += kept
    if demand is not None:
        stats.demand_known = True
        for month in stats.months:
            same_day.setdefault(month, SameDayCell()).demand = demand.get(month, 0)
    return stats
