"""Statistics for the registry office: ceremonies per venue and month, occupancy, conversion
from reservation to confirmed wedding, and expiries. Numbers only, no personal data.

Occupancy of a venue in a month = booked slots / (booked + free slots) of its rules and extra
openings, after closures; costs the scheduling core's four queries per month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from xml.sax.saxutils import escape

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone

from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling import engine
from rathaus.scheduling.models import Allocation
from rathaus.scheduling.selectors import active_allocations_q, calendars_between

from ..constants import ReservationStatus
from ..models import Reservation, Venue


@dataclass
class Cell:
    ceremonies: int = 0
    booked_slots: int = 0
    free_slots: int = 0
    reservations: int = 0
    confirmed: int = 0
    expired: int = 0
    cancelled: int = 0

    @property
    def occupancy(self) -> float | None:
        offered = self.booked_slots + self.free_slots
        return self.booked_slots / offered if offered else None

    @property
    def conversion(self) -> float | None:
        return self.confirmed / self.reservations if self.reservations else None

    def add(self, other: Cell) -> None:
        for name in ("ceremonies", "booked_slots", "free_slots", "reservations"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("confirmed", "expired", "cancelled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Statistics:
    first: date
    last: date
    months: list[date]
    venues: list[Venue]
    cells: dict[tuple[int, date], Cell] = field(default_factory=dict)

    def cell(self, venue: Venue, month: date) -> Cell:
        return self.cells.setdefault((venue.pk, month), Cell())

    def venue_total(self, venue: Venue) -> Cell:
        total = Cell()
        for month in self.months:
            total.add(self.cell(venue, month))
        return total

    def total(self) -> Cell:
        total = Cell()
        for venue in self.venues:
            total.add(self.venue_total(venue))
        return total

    def rows(self):
        for venue in self.venues:
            yield venue, [self.cell(venue, month) for month in self.months], self.venue_total(venue)


def _months(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month += relativedelta(months=1)
    return months


def _range(first: date, last: date):
    return local_datetime(first, time.min), local_datetime(last + timedelta(days=1), time.min)


def _count_reservations(stats: Statistics) -> None:
    start, end = _range(stats.first, stats.last)
    ceremonies = (
        Reservation.objects.filter(
            status=ReservationStatus.CONFIRMED, start__gte=start, start__lt=end
        )
        .annotate(month=TruncMonth("start", tzinfo=BERLIN))
        .values("venue_id", "month")
        .annotate(count=Count("id"))
    )
    by_id = {venue.pk: venue for venue in stats.venues}
    for row in ceremonies:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        stats.cell(by_id[row["venue_id"]], month).ceremonies = row["count"]
    created = (
        Reservation.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at", tzinfo=BERLIN))
        .values("venue_id", "month")
        .annotate(
            total=Count("id"),
            confirmed=Count("id", filter=Q(status=ReservationStatus.CONFIRMED)),
            expired=Count("id", filter=Q(status=ReservationStatus.EXPIRED)),
            cancelled=Count("id", filter=Q(status=ReservationStatus.CANCELLED)),
        )
    )
    for row in created:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        cell = stats.cell(by_id[row["venue_id"]], month)
        cell.reservations, cell.confirmed = row["total"], row["confirmed"]
        cell.expired, cell.cancelled = row["expired"], row["cancelled"]


def _count_slots(stats: Statistics, now) -> None:
    by_resource = {venue.resource_id: venue for venue in stats.venues}
    for month in stats.months:
        first = max(month, stats.first)
        last = min(month + relativedelta(months=1) - timedelta(days=1), stats.last)
        for calendar in calendars_between(by_resource, first, last, now=now):
            stats.cell(by_resource[calendar.resource_id], month).free_slots = len(
                engine.free_slot_bounds(calendar, first, last)
            )
        start, end = _range(first, last)
        booked = (
            Allocation.objects.filter(active_allocations_q(now))
            .filter(resource_id__in=list(by_resource), start__gte=start, start__lt=end)
            .values("resource_id")
            .annotate(count=Count("id"))
        )
        for row in booked:
            stats.cell(by_resource[row["resource_id"]], month).booked_slots = row["count"]


def statistics_default_year(today: date) -> int:
    """The year the statistics open on: this year when it has any reservation (made or held
    in it), else the latest year that has one, else this year."""
    start, end = _range(date(today.year, 1, 1), date(today.year, 12, 31))
    in_year = Q(start__gte=start, start__lt=end) | Q(created_at__gte=start, created_at__lt=end)
    if Reservation.objects.filter(in_year).exists():
        return today.year
    latest = Reservation.objects.aggregate(start=Max("start"), created=Max("created_at"))
    moments = [moment for moment in latest.values() if moment is not None]
    if not moments:
        return today.year
    return max(moments).astimezone(BERLIN).year


def statistics_compute(*, first: date, last: date, now=None) -> Statistics:
    now = now or timezone.now()
    venues = list(Venue.objects.order_by("-official_room", "name"))
    stats = Statistics(first=first, last=last, months=_months(first, last), venues=venues)
    _count_reservations(stats)
    _count_slots(stats, now)
    return stats


def statistics_csv_rows(stats: Statistics):
    yield [
        "venue",
        "month",
        "ceremonies",
        "booked_slots",
        "free_slots",
        "occupancy_percent",
        "reservations_made",
        "confirmed",
        "expired",
        "cancelled",
        "conversion_percent",
    ]
    for venue, cells, _total in stats.rows():
        for month, cell in zip(stats.months, cells, strict=True):
            yield [
                venue.name,
                month.strftime("%Y-%m"),
                cell.ceremonies,
                cell.booked_slots,
                cell.free_slots,
                _percent(cell.occupancy),
                cell.reservations,
                cell.confirmed,
                cell.expired,
                cell.cancelled,
                _percent(cell.conversion),
            ]


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def statistics_svg(stats: Statistics, *, title: str, occupancy_label: str) -> str:
    """Horizontal bars: ceremonies per venue in the period, with the occupancy as text."""
    rows = [(venue.name, total) for venue, _cells, total in stats.rows()]
    peak = max((total.ceremonies for _, total in rows), default=0) or 1
    bar_x, bar_width, row_height = 260, 320, 26
    height = 40 + row_height * len(rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="720" height="{height}" '
        f'viewBox="0 0 720 {height}" role="img" aria-labelledby="chart-title" '
        'font-family="sans-serif" font-size="13">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<text x="0" y="18" font-weight="bold" fill="#1b1f24">{escape(title)}</text>',
    ]
    for index, (name, total) in enumerate(rows):
        y = 32 + index * row_height
        width = round(bar_width * total.ceremonies / peak)
        occupancy = (
            formats.number_format(total.occupancy * 100, 1) if total.occupancy is not None else ""
        )
        label = f"{total.ceremonies}" + (f" · {occupancy_label} {occupancy} %" if occupancy else "")
        parts += [
            f'<text x="0" y="{y + 15}" fill="#1b1f24">{escape(name[:38])}</text>',
            f'<rect x="{bar_x}" y="{y + 3}" width="{width}" height="16" fill="#0b5394"/>',
            f'<text x="{bar_x + width + 6}" y="{y + 15}" fill="#1b1f24">{escape(label)}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)
