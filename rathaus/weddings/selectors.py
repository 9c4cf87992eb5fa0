"""Reads for the Traukalender: free ceremony slots across venues and registrars."""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from collections.abc import Iterable, Set
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from rathaus.core.revision import cached
from rathaus.core.timezone import BERLIN, local_today
from rathaus.scheduling import engine
from rathaus.scheduling.selectors import calendars_between

from . import release
from .draws import draw_days_blocked
from .models import Registrar, Reservation, ReservationPolicy, Venue, VenueAgreement

MORNING_ENDS_HOUR = 12


@dataclass(frozen=True)
class CeremonySlot:
    venue: Venue
    start_epoch: int
    end_epoch: int
    fee_eur: Decimal

    @property
    def start(self) -> datetime:
        return engine.from_epoch(self.start_epoch)

    @property
    def end(self) -> datetime:
        return engine.from_epoch(self.end_epoch)

    @property
    def day(self) -> date:
        return self.start.date()


@dataclass
class SlotFilter:
    venues: list[Venue] | None = None
    weekdays: set[int] = field(default_factory=set)  # 0 = Monday
    time_of_day: str = ""  # "morning", "afternoon" or ""
    district: str = ""
    guests: int | None = None
    step_free: bool = False
    outdoor: bool = False
    max_fee: Decimal | None = None


def reservation_policy() -> ReservationPolicy:
    """The policy (a copy: the cached one is shared by every request of the process)."""
    return copy(cached("weddings.policy", _policy_load))


def _policy_load() -> ReservationPolicy:
    return ReservationPolicy.objects.first() or ReservationPolicy()


def _venues_load() -> dict[str, Venue]:
    return {v.slug: v for v in Venue.objects.filter(active=True).select_related("resource")}


def venues_public() -> list[Venue]:
    return [copy(venue) for venue in cached("weddings.venues", _venues_load).values()]


# Shapes checked before any query: a value that cannot exist (or that PostgreSQL would reject,
# such as a NUL byte) is simply not found.
SLUG_SHAPE = re.compile(r"[a-z0-9-]{1,80}")
REFERENCE_SHAPE = re.compile(r"TK-\d{4}-[A-Z0-9]{4}")


def venues_all() -> list[Venue]:
    """Every venue, active or not (the API lists them all, with their `active` flag)."""
    return list(Venue.objects.all())


def venue_public_get(slug: str) -> Venue | None:
    if not isinstance(slug, str) or not SLUG_SHAPE.fullmatch(slug):
        return None
    venue = cached("weddings.venues", _venues_load).get(slug)
    return copy(venue) if venue is not None else None


def registrars_active() -> list[Registrar]:
    return [copy(registrar) for registrar in _registrars_shared()]


def _registrars_shared() -> list[Registrar]:
    """The cached registrars themselves, for this module's reads that never change them."""
    return cached("weddings.registrars", _registrars_load)


def _registrars_load() -> list[Registrar]:
    return list(Registrar.objects.filter(active=True, resource__active=True))


def slot_fee(venue: Venue, start: datetime) -> Decimal:
    """Regular fee in an official room on weekday mornings; the higher fee otherwise."""
    local = start.astimezone(BERLIN)
    return _fee(venue, local.weekday(), local.hour)


def _fee(venue: Venue, weekday: int, hour: int) -> Decimal:
    regular = venue.official_room and weekday < 5 and hour < 13
    return venue.fee_eur if regular else venue.fee_outside_hours_eur


def bookable_range(policy: ReservationPolicy, now: datetime) -> tuple[date, date]:
    """First and last day couples may reserve now (see release.py for when a day opens)."""
    return release.bookable_range(policy, now)


def _venue_matches(venue: Venue, filters: SlotFilter) -> bool:
    return (
        (not filters.district or venue.district == filters.district)
        and (filters.guests is None or venue.max_guests >= filters.guests)
        and (not filters.step_free or venue.step_free)
        and (not filters.outdoor or venue.outdoor_possible)
    )


def _slot_matches(slot: CeremonySlot, weekday: int, hour: int, filters: SlotFilter) -> bool:
    if filters.weekdays and weekday not in filters.weekdays:
        return False
    if filters.time_of_day == "morning" and hour >= MORNING_ENDS_HOUR:
        return False
    if filters.time_of_day == "afternoon" and hour < MORNING_ENDS_HOUR:
        return False
    return filters.max_fee is None or slot.fee_eur <= filters.max_fee


def ceremony_slots_free(
    *,
    first: date,
    last: date,
    filters: SlotFilter | None = None,
    now: datetime | None = None,
    apply_policy: bool = True,
) -> list[CeremonySlot]:
    """Free ceremony slots: the venue is free and at least one registrar can come, with travel.

    With `apply_policy`, only days couples may reserve now (lead time, release window) and no
    day whose slots still go to a lottery.
    Cost: the scheduling core's fixed handful of queries for venues and registrars together.
    """
    filters = filters or SlotFilter()
    now = now or timezone.now()
    lottery_days: set[date] = set()
    if apply_policy:
        earliest, latest = bookable_range(reservation_policy(), now)
        first, last = max(first, earliest), min(last, latest)
        if first <= last:
            lottery_days = lottery_days_blocked(first, last, now)
    if first > last:
        return []
    venues = [v for v in (filters.venues or venues_public()) if _venue_matches(v, filters)]
    if not venues:
        return []
    registrar_ids = [r.resource_id for r in _registrars_shared()]
    by_resource = {v.resource_id: v for v in venues}
    calendars = calendars_between([*by_resource, *registrar_ids], first, last, now=now)
    registrar_free = engine.Coverage(
        engine.free_intervals(c, first, last) for c in calendars if c.resource_id not in by_resource
    )
    result = []
    not_before = engine.epoch(now)
    for calendar in calendars:
        venue = by_resource.get(calendar.resource_id)
        if venue is None:
            continue
        travel = venue.travel_minutes * 60
        for start, end in engine.free_slot_bounds(calendar, first, last, not_before=not_before):
            if not registrar_free.covers(start - travel, end + travel):
                continue
            weekday, hour = engine.local_weekday_hour(start)
            slot = CeremonySlot(venue, start, end, _fee(venue, weekday, hour))
            if lottery_days and slot.day in lottery_days:
                continue
            if _slot_matches(slot, weekday, hour, filters):
                result.append(slot)
    result.sort(key=lambda s: (s.start_epoch, s.venue.slug))
    return result


def days_with_ceremonies(
    days: Iterable[date], filters: SlotFilter | None = None, now: datetime | None = None
) -> set[date]:
    """Which of `days` offer any ceremony time not yet taken, before release and lottery rules
    apply: a lottery is advertised only for a day on which a ceremony can take place at all
    (not on a Sunday, a holiday or in the Christmas closure)."""
    days = set(days)
    if not days:
        return set()
    slots = ceremony_slots_free(
        first=min(days), last=max(days), filters=filters, now=now, apply_policy=False
    )
    return {slot.day for slot in slots} & days


def lottery_days_blocked(first: date, last: date, now: datetime) -> set[date]:
    """Days in the range whose slots still go to a lottery (not drawn yet): as data from the
    lottery app, which registers itself in `draws.py`."""
    return draw_days_blocked(first, last, now)


def ceremony_slot_find(
    *,
    venue: Venue,
    start: datetime,
    now: datetime | None = None,
):
    day = start.astimezone(BERLIN).date()
    wanted = engine.epoch(start)
    for slot in ceremony_slots_free(
        first=day,
        last=day,
        filters=SlotFilter(venues=[venue]),
        now=now,
    ):
        if slot.start_epoch == wanted:
            return slot
    return None


def ceremony_slot_offer(
    *,
    venue: Venue,
    start: datetime,
    now: datetime | None = None,
    ignore_booking_ids: Iterable[int] = (),
    apply_policy: bool = True,
) -> tuple[CeremonySlot | None, list[Registrar]]:
    """The free slot at `start` and the registrars who can take it including travel, the least
    busy that day first (ties in random order): what a reservation needs, from one load of the
    day's calendars.

    Same rules as `ceremony_slots_free`; `apply_policy=False` ignores release and lottery.
    """
    now = now or timezone.now()
    day = start.astimezone(BERLIN).date()
    if apply_policy:
        earliest, latest = bookable_range(reservation_policy(), now)
        if not earliest <= day <= latest or lottery_days_blocked(day, day, now):
            return None, []
    registrars = _registrars_shared()
    venue_calendar, *registrar_calendars = calendars_between(
        [venue.resource_id, *(r.resource_id for r in registrars)],
        day,
        day,
        now=now,
        ignore_booking_ids=ignore_booking_ids,
    )
    wanted = engine.epoch(start)
    bounds = next(
        (
            (lo, hi)
            for lo, hi in engine.free_slot_bounds(
                venue_calendar, day, day, not_before=engine.epoch(now)
            )
            if lo == wanted
        ),
        None,
    )
    if bounds is None:
        return None, []
    travel = venue.travel_minutes * 60
    # Ties in random order: with a fixed order every concurrent reservation would ask for the
    # same registrar first and wait for that registrar's lock (docs/benchmarks.md).
    free = sorted(
        (len(calendar.blocked), secrets.randbits(32), registrar)
        for registrar, calendar in zip(registrars, registrar_calendars, strict=True)
        if engine.contains(
            engine.free_intervals(calendar, day, day), bounds[0] - travel, bounds[1] + travel
        )
    )
    if not free:
        return None, []
    weekday, hour = engine.local_weekday_hour(bounds[0])
    slot = CeremonySlot(venue, bounds[0], bounds[1], _fee(venue, weekday, hour))
    return slot, [registrar for _, _, registrar in free]


def slots_by_day(slots: list[CeremonySlot]) -> dict[date, list[CeremonySlot]]:
    grouped: dict[date, list[CeremonySlot]] = defaultdict(list)
    for slot in slots:
        grouped[slot.day].append(slot)
    return dict(grouped)


def month_weeks(
    year: int,
    month: int,
    free_days: dict[date, list],
    *,
    lotteries: dict | None = None,
    opening: dict[date, datetime] | None = None,
    high_demand: Set[date] = frozenset(),
) -> list[list[dict | None]]:
    """A Monday-first month grid for the calendar view.

    `lotteries` maps days to their lottery (link instead of slots), `opening` maps days not
    released yet to the moment they open, `high_demand` names the days marked as high-demand
    dates (those on which a ceremony can take place).
    """
    import calendar as calendar_lib

    lotteries, opening = lotteries or {}, opening or {}
    weeks = []
    for week in calendar_lib.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                {
                    "day": d,
                    "count": len(free_days.get(d, ())),
                    "high_demand": d in high_demand,
                    "lottery": lotteries.get(d),
                    "opens_at": opening.get(d),
                }
                if d.month == month
                else None
                for d in week
            ]
        )
    return weeks


def reservation_by_reference(reference: str) -> Reservation | None:
    reference = (reference or "").upper()
    if not REFERENCE_SHAPE.fullmatch(reference):
        return None
    return (
        Reservation.objects.select_related("venue", "booking", "registrar")
        .filter(reference=reference)
        .first()
    )


def reservation_by_id(reservation_id: int) -> Reservation | None:
    return Reservation.objects.select_related("venue", "booking").filter(pk=reservation_id).first()


def venue_refusal(reservation: Reservation) -> VenueAgreement | None:
    """The venue's refusal of this wedding, if it has declined (shown to the couple)."""
    return VenueAgreement.objects.filter(reservation=reservation, agreed=False).first()


def today() -> date:
    return local_today()
