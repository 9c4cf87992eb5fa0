"""Does a slot fit a wish? Plain data in, yes or no out (no queries)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rathaus.core.timezone import BERLIN
from rathaus.weddings.selectors import MORNING_ENDS_HOUR

from .constants import TimeOfDay


@dataclass(frozen=True)
class Criteria:
    first_day: date
    last_day: date
    days: frozenset[date] = frozenset()  # empty: every day from first_day to last_day
    weekdays: frozenset[int] = frozenset()  # empty: any weekday; 0 = Monday
    venue_ids: frozenset[int] = frozenset()  # empty: any venue
    time_of_day: str = TimeOfDay.ANY
    guests: int = 1

    @classmethod
    def of(cls, wish) -> Criteria:
        """From a wish whose venues are prefetched (or cheap to load)."""
        return cls(
            first_day=wish.first_day,
            last_day=wish.last_day,
            days=frozenset(wish.specific_days),
            weekdays=frozenset(wish.weekdays),
            venue_ids=frozenset(venue.pk for venue in wish.venues.all()),
            time_of_day=wish.time_of_day,
            guests=wish.guests,
        )

    def day_fits(self, day: date) -> bool:
        if not self.first_day <= day <= self.last_day:
            return False
        if self.days and day not in self.days:
            return False
        return not self.weekdays or day.weekday() in self.weekdays

    def venue_fits(self, venue) -> bool:
        return (
            not self.venue_ids or venue.pk in self.venue_ids
        ) and venue.max_guests >= self.guests

    def hour_fits(self, hour: int) -> bool:
        if self.time_of_day == TimeOfDay.MORNING:
            return hour < MORNING_ENDS_HOUR
        if self.time_of_day == TimeOfDay.AFTERNOON:
            return hour >= MORNING_ENDS_HOUR
        return True

    def slot_fits(self, venue, start: datetime) -> bool:
        local = start.astimezone(BERLIN)
        return self.day_fits(local.date()) and self.venue_fits(venue) and self.hour_fits(local.hour)

    def candidate_days(self, first: date, last: date) -> Iterator[date]:
        """The wished days between first and last, in order."""
        if self.days:
            yield from (
                day for day in sorted(self.days) if first <= day <= last and self.day_fits(day)
            )
            return
        day = max(first, self.first_day)
        while day <= min(last, self.last_day):
            if self.day_fits(day):
                yield day
            day += timedelta(days=1)
