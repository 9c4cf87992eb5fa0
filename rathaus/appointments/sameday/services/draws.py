"""A location's draw for a day: created (and its commitment published) before the window
opens, by the job or by the first visit of the page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction

from rathaus.appointments.models import Location
from rathaus.appointments.same_day import window_closes, window_opens
from rathaus.appointments.selectors import catalogue, counters_kept_for_same_day
from rathaus.core.draw import seed_commitment, seed_new
from rathaus.core.timezone import BERLIN
from rathaus.scheduling import engine
from rathaus.scheduling.selectors import calendars_between

from ..models import SameDayDraw
from ..selectors import draw_of, locations_with_same_day


def kept_resource_ids(location: Location) -> list[int]:
    kept = counters_kept_for_same_day(location)
    return [
        info.resource_id for info in catalogue().counters.get(location.pk, []) if info.id in kept
    ]


def _offered(location: Location, day: date, now: datetime) -> bool:
    """Whether a kept counter is open at all that day (rules, openings, closures)."""
    resource_ids = kept_resource_ids(location)
    if not resource_ids:
        return False
    calendars = calendars_between(resource_ids, day, day, now=now, include_bookings=False)
    return any(engine.free_intervals(calendar, day, day) for calendar in calendars)


def draw_ensure(location: Location, day: date, *, now: datetime) -> SameDayDraw:
    """The draw of the location and day, created with a fresh seed when missing (idempotent
    through the unique pair). Its commitment counts as shown from its creation."""
    found = draw_of(location, day)
    if found is not None:
        return found
    seed = seed_new()
    try:
        with transaction.atomic():
            return SameDayDraw.objects.create(
                location=location,
                day=day,
                opens_at=window_opens(location, day),
                closes_at=window_closes(location, day),
                offered=_offered(location, day, now),
                urgent_percent=location.same_day_urgent_percent,
                seed=seed,
                seed_commitment=seed_commitment(seed),
                commitment_shown_at=now,
            )
    except IntegrityError:
        return SameDayDraw.objects.get(location=location, day=day)


def draws_schedule(*, now: datetime) -> int:
    """Today's draw (while its window has not closed) and tomorrow's of every location with
    kept capacity; returns how many exist for those days."""
    today = now.astimezone(BERLIN).date()
    made = 0
    for location in locations_with_same_day():
        for day in (today, today + timedelta(days=1)):
            if day == today and now >= window_closes(location, day):
                continue
            draw_ensure(location, day, now=now)
            made += 1
    return made
