"""The ceremony slots a lottery distributes, and alternatives for couples who drew nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rathaus.weddings.selectors import CeremonySlot, ceremony_slots_free

from .models import Lottery, slot_key

ALTERNATIVES_SHOWN = 6
ALTERNATIVES_DAYS = 14


def lottery_slots_offered(lottery: Lottery, now: datetime) -> list[CeremonySlot]:
    """The free slots of the lottery's day. The booking window does not apply: the day is
    reserved for the lottery, whose own window decides."""
    return ceremony_slots_free(first=lottery.day, last=lottery.day, now=now, apply_policy=False)


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
