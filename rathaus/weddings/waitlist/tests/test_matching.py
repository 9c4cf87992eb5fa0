"""Does a slot fit a wish: range or dates, weekdays, venues, time of day, guests (no database)."""

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from rathaus.core.timezone import local_datetime
from rathaus.weddings.waitlist.matching import Criteria

BECK = SimpleNamespace(pk=1, max_guests=60)
TRAUZIMMER = SimpleNamespace(pk=2, max_guests=30)
SATURDAY = date(2027, 6, 5)


def _at(day, hour, minute=0):
    return local_datetime(day, time(hour, minute))


def test_range_includes_both_ends_and_nothing_outside():
    criteria = Criteria(first_day=date(2027, 6, 1), last_day=date(2027, 6, 30))
    assert criteria.slot_fits(BECK, _at(date(2027, 6, 1), 10))
    assert criteria.slot_fits(BECK, _at(date(2027, 6, 30), 17))
    assert not criteria.slot_fits(BECK, _at(date(2027, 5, 31), 10))
    assert not criteria.slot_fits(BECK, _at(date(2027, 7, 1), 10))


def test_specific_dates_only_those_days():
    criteria = Criteria(
        first_day=date(2027, 6, 5),
        last_day=date(2027, 6, 19),
        days=frozenset({date(2027, 6, 5), date(2027, 6, 19)}),
    )
    assert criteria.slot_fits(BECK, _at(date(2027, 6, 19), 12))
    assert not criteria.slot_fits(BECK, _at(date(2027, 6, 12), 12))


def test_weekdays():
    criteria = Criteria(
        first_day=date(2027, 6, 1), last_day=date(2027, 6, 30), weekdays=frozenset({4, 5})
    )
    assert criteria.slot_fits(BECK, _at(date(2027, 6, 4), 14))  # Friday
    assert criteria.slot_fits(BECK, _at(SATURDAY, 10))
    assert not criteria.slot_fits(BECK, _at(date(2027, 6, 6), 10))  # Sunday


def test_venues_and_guests():
    only_beck = Criteria(first_day=SATURDAY, last_day=SATURDAY, venue_ids=frozenset({1}))
    assert only_beck.slot_fits(BECK, _at(SATURDAY, 10))
    assert not only_beck.slot_fits(TRAUZIMMER, _at(SATURDAY, 10))
    many_guests = Criteria(first_day=SATURDAY, last_day=SATURDAY, guests=40)
    assert many_guests.slot_fits(BECK, _at(SATURDAY, 10))
    assert not many_guests.slot_fits(TRAUZIMMER, _at(SATURDAY, 10))


def test_time_of_day_splits_at_noon_berlin_time():
    morning = Criteria(first_day=SATURDAY, last_day=SATURDAY, time_of_day="morning")
    afternoon = Criteria(first_day=SATURDAY, last_day=SATURDAY, time_of_day="afternoon")
    assert morning.slot_fits(BECK, _at(SATURDAY, 11, 59))
    assert not morning.slot_fits(BECK, _at(SATURDAY, 12))
    assert afternoon.slot_fits(BECK, _at(SATURDAY, 12))
    # 10:30 in Berlin is 08:30 UTC: the local hour decides.
    assert morning.slot_fits(BECK, _at(SATURDAY, 10, 30).astimezone(UTC))
    assert afternoon.slot_fits(BECK, datetime(2027, 6, 5, 10, 30, tzinfo=UTC))  # 12:30 local


def test_candidate_days_in_order_and_filtered():
    criteria = Criteria(
        first_day=date(2027, 6, 1), last_day=date(2027, 6, 14), weekdays=frozenset({5})
    )
    assert list(criteria.candidate_days(date(2027, 1, 1), date(2027, 12, 31))) == [
        date(2027, 6, 5),
        date(2027, 6, 12),
    ]
    dates = Criteria(
        first_day=date(2027, 6, 5),
        last_day=date(2027, 6, 12),
        days=frozenset({date(2027, 6, 12), date(2027, 6, 5)}),
    )
    assert list(dates.candidate_days(date(2027, 6, 6), date(2027, 6, 30))) == [date(2027, 6, 12)]


@given(
    offset=st.integers(min_value=0, max_value=400),
    hour=st.integers(min_value=8, max_value=18),
    weekdays=st.frozensets(st.integers(min_value=0, max_value=6)),
)
def test_a_fitting_slot_is_on_a_candidate_day(offset, hour, weekdays):
    criteria = Criteria(first_day=date(2027, 1, 1), last_day=date(2027, 12, 31), weekdays=weekdays)
    day = date.fromordinal(date(2026, 12, 1).toordinal() + offset)
    fits = criteria.slot_fits(BECK, _at(day, hour))
    assert fits == (day in set(criteria.candidate_days(date(2026, 1, 1), date(2028, 12, 31))))
