"""The ceremony slots a lottery distributes, and alternatives for couples who drew nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rathaus.core.timezone import BERLIN
from rathaus.scheduling import engine
from rathaus.scheduling.selectors import calendars_between
from rathaus.weddings.selectors import (
    CeremonySlot,
    ceremony_slots_free,
    registrars_active,
    venues_public,
)

from .models import Lottery, slot_key

ALTERNATIVES_SHOWN = 6
ALTERNATIVES_DAYS = 14


def lottery_slots_offered(lottery: Lottery, now: datetime) -> list[CeremonySlot]:
    """The free slots of the lottery's day. The booking window does not apply: the day is
    reserved for the lottery, whose own window decides."""
    return ceremony_slots_free(first=lottery.day, last=lottery.day, now=now, apply_policy=False)


def ceremony_days(first: date, last: date) -> set[date]:
    """Days in [first, last] on which a ceremony can take place at all: a public venue offers
    a slot by its rules and a registrar is on duty for it (travel included), closures
    subtracted, bookings not. Sundays, 27.12. or 01.01. without any rule are not among them;
    a lottery is only held, and only announced, on such a day."""
    if first > last:
        return set()
    venues = {venue.resource_id: venue for venue in venues_public()}
    registrar_ids = [registrar.resource_id for registrar in registrars_active()]
    calendars = calendars_between([*venues, *registrar_ids], first, last, include_bookings=False)
    on_duty = engine.Coverage(
        engine.free_intervals(c, first, last) for c in calendars if c.resource_id not in venues
    )
    days: set[date] = set()
    for calendar in calendars:
        venue = venues.get(calendar.resource_id)
        if venue is None:
            continue
        travel = venue.travel_minutes * 60
        for start, end in engine.free_slot_bounds(calendar, first, last):
            if on_duty.covers(start - travel, end + travel):
                days.add(engine.from_epoch(start).astimezone(BERLIN).date())
    return days


def ceremony_day(day: date) -> bool:
    return day in ceremony_days(day, day)


def registrar_duty(slots: list[CeremonySlot], day: date, now: datetime) -> dict:
    """Who could marry at each of `slots` when the draw begins: the time a registrar is taken
    (the ceremony plus the venue's travel time each way) and the registrars on duty and free
    for all of it, under pseudonyms S1, S2, ... in the order of their ids. The draw's refusals
    follow from this table and the registrar each winner got (docs/lottery.md)."""
    registrars = sorted(registrars_active(), key=lambda registrar: registrar.pk)
    names = {registrar.pk: f"S{number}" for number, registrar in enumerate(registrars, 1)}
    calendars = calendars_between([r.resource_id for r in registrars], day, day, now=now)
    free = {
        registrar.pk: engine.free_intervals(calendar, day, day)
        for registrar, calendar in zip(registrars, calendars, strict=True)
    }
    table = {}
    for slot in slots:
        travel = slot.venue.travel_minutes * 60
        start, end = slot.start_epoch - travel, slot.end_epoch + travel
        table[slot_key(slot.venue.slug, slot.start)] = {
            "from": _clock(start),
            "until": _clock(end),
            "registrars": [
                names[pk]
                for pk, intervals in free.items()
                if engine.contains(intervals, start, end)
            ],
        }
    return {"slots": table, "ids": {name: pk for pk, name in names.items()}}


def _clock(seconds: int) -> str:
    return f"{engine.from_epoch(seconds).astimezone(BERLIN):%H:%M}"


def slots_by_key(slots: list[CeremonySlot]) -> dict[str, CeremonySlot]:
    return {slot_key(slot.venue.slug, slot.start): slot for slot in slots}


def alternatives_free(*, day: date, now: datetime) -> list[CeremonySlot]:
    """Free, directly reservable slots within ±14 days of `day`, nearest day first (the
    booking window applies, so other lottery days are left out)."""
    slots = ceremony_slots_free(
        first=day - timedelta(days=ALTERNATIVES_DAYS),
        last=day + timedelta(days=ALTERNATIVES_DAYS),
        now=now,
    )
    slots.sort(key=lambda slot: (abs((slot.day - day).days), slot.start_epoch, slot.venue.slug))
    return slots


def alternatives_for(
    slots: list[CeremonySlot], *, guests: int, venue_ids: set[int]
) -> list[CeremonySlot]:
    """Up to six of `slots` with room for the guests, the couple's own venues first."""
    fitting = [slot for slot in slots if slot.venue.max_guests >= guests]
    fitting.sort(key=lambda slot: slot.venue.pk not in venue_ids)  # stable: keeps nearness
    return fitting[:ALTERNATIVES_SHOWN]
