"""When a day's kept same-day capacity opens to everyone: right after the draw at the end of
the request window (the draw itself lives in `rathaus.appointments.sameday`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rathaus.core.timezone import local_datetime

from .models import Location

# The draw runs when the window closes and takes seconds (bench/sameday.py); its results are
# mailed before the leftover capacity opens, so winners are told before anyone else can book.
DRAW_GRACE = timedelta(minutes=5)


def window_opens(location: Location, day: date) -> datetime:
    return local_datetime(day, location.same_day_opens)


def window_closes(location: Location, day: date) -> datetime:
    return local_datetime(day, location.same_day_closes)


def release_moment(location: Location, day: date) -> datetime:
    return window_closes(location, day) + DRAW_GRACE
