"""Clock changes in 2027: 28 March 02:00 CET → 03:00 CEST, 31 October 03:00 CEST → 02:00 CET.

Rules are Berlin wall-clock time; a 10:00 slot must stay 10:00 on the wall on both sides of a
change, and every duration is counted in real seconds. 29 March (Easter Monday) and 1 November
(All Saints) are NRW holidays, so the rules here open on holidays.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling import engine
from rathaus.scheduling.constants import BookingStatus, SlotMode
from rathaus.scheduling.models import Allocation
from rathaus.scheduling.selectors import slots_free_between
from rathaus.scheduling.services import AllocationRequest, booking_create

from .factories import ResourceFactory, WeeklyRuleFactory

SPRING = [date(2027, 3, 27), date(2027, 3, 28), date(2027, 3, 29)]
AUTUMN = [date(2027, 10, 30), date(2027, 10, 31), date(2027, 11, 1)]
# The UTC hour of 10:00 Berlin on each day: CET is UTC+1, CEST is UTC+2.
UTC_HOUR_OF_TEN = {
    date(2027, 3, 27): 9,
    date(2027, 3, 28): 8,
    date(2027, 3, 29): 8,
    date(2027, 10, 30): 8,
    date(2027, 10, 31): 9,
    date(2027, 11, 1): 9,
}
NOW = datetime(2027, 1, 4, 12, 0, tzinfo=BERLIN)


def rule(day: date, start: time, end: time, **pattern) -> engine.RuleSpec:
    return engine.RuleSpec(
        weekday=day.weekday(),
        start_time=start,
        end_time=end,
        pattern=engine.Pattern(**pattern),
        open_on_holidays=True,
    )


def calendar(*rules: engine.RuleSpec) -> engine.ResourceCalendar:
    return engine.ResourceCalendar(resource_id=1, rules=rules)


def local(slot: engine.Slot) -> tuple[str, str]:
    return f"{slot.start.astimezone(BERLIN):%Y-%m-%d %H:%M}", f"{slot.end.astimezone(BERLIN):%H:%M}"


# --- the engine -------------------------------------------------------------------------------


@pytest.mark.parametrize("day", SPRING + AUTUMN, ids=str)
def test_a_fixed_ten_oclock_slot_stays_ten_oclock_and_lasts_45_minutes(day):
    ten = rule(
        day, time(9), time(12), mode=SlotMode.FIXED, slot_minutes=45, fixed_starts=(time(10),)
    )

    [slot] = engine.free_slots([calendar(ten)], day, day)

    assert local(slot) == (f"{day} 10:00", "10:45")
    assert slot.end_epoch - slot.start_epoch == 2700
    assert slot.start.astimezone(UTC).hour == UTC_HOUR_OF_TEN[day]


@pytest.mark.parametrize("day", SPRING + AUTUMN, ids=str)
def test_a_grid_keeps_its_wall_clock_times_on_the_days_around_a_change(day):
    grid = rule(day, time(9), time(12), mode=SlotMode.GRID, slot_minutes=45, buffer_minutes=15)

    slots = engine.free_slots([calendar(grid)], day, day)

    assert [local(slot) for slot in slots] == [
        (f"{day} 09:00", "09:45"),
        (f"{day} 10:00", "10:45"),
        (f"{day} 11:00", "11:45"),
    ]
    assert {slot.end_epoch - slot.start_epoch for slot in slots} == {2700}


def test_the_same_rule_across_both_changes_gives_the_same_wall_clock_every_day():
    first, last = date(2027, 3, 20), date(2027, 11, 7)
    daily = [
        rule(first + timedelta(days=k), time(10), time(11), mode=SlotMode.GRID, slot_minutes=45)
        for k in range(7)
    ]

    slots = engine.free_slots([calendar(*daily)], first, last)

    assert len(slots) == (last - first).days + 1
    assert {f"{s.start.astimezone(BERLIN):%H:%M}" for s in slots} == {"10:00"}
    assert {s.end_epoch - s.start_epoch for s in slots} == {2700}


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2027, 3, 28), 2), (date(2027, 10, 31), 4), (date(2027, 3, 21), 3)],
    ids=["spring-forward", "fall-back", "ordinary-sunday"],
)
def test_a_window_over_the_switch_night_has_its_real_length(day, hours):
    night = rule(day, time(1), time(4), mode=SlotMode.WINDOW)

    assert engine.free_intervals(calendar(night), day, day) == [
        (local_datetime(day, time(1)).timestamp(), local_datetime(day, time(4)).timestamp())
    ]
    [(start, end)] = engine.free_intervals(calendar(night), day, day)
    assert end - start == hours * 3600
    assert engine.from_epoch(start).hour == 1
    assert engine.from_epoch(end).hour == 4


def test_hourly_slots_over_the_spring_forward_night_are_real_hours():
    day = date(2027, 3, 28)
    hourly = rule(day, time(1), time(4), mode=SlotMode.GRID, slot_minutes=60)

    slots = engine.free_slots([calendar(hourly)], day, day)

    # 01:00 CET + 1 h is 03:00 CEST: the hour 02:00–03:00 does not exist that night.
    assert [local(slot) for slot in slots] == [
        ("2027-03-28 01:00", "03:00"),
        ("2027-03-28 03:00", "04:00"),
    ]
    assert {s.end_epoch - s.start_epoch for s in slots} == {3600}


def test_hourly_slots_over_the_fall_back_night_include_the_repeated_hour():
    day = date(2027, 10, 31)
    hourly = rule(day, time(1), time(4), mode=SlotMode.GRID, slot_minutes=60)

    slots = engine.free_slots([calendar(hourly)], day, day)

    assert [f"{s.start:%H:%M%z}" for s in slots] == [
        "01:00+0200",
        "02:00+0200",
        "02:00+0100",
        "03:00+0100",
    ]
    assert {s.end_epoch - s.start_epoch for s in slots} == {3600}


def test_local_datetime_moves_the_missing_half_past_two_forward():
    moved = local_datetime(date(2027, 3, 28), time(2, 30))

    assert moved.timestamp() == datetime(2027, 3, 28, 1, 30, tzinfo=UTC).timestamp()
    assert (moved.astimezone(BERLIN).hour, moved.astimezone(BERLIN).minute) == (3, 30)
    assert moved.utcoffset() == timedelta(hours=2)
    assert engine.local_epoch(date(2027, 3, 28), time(2, 30)) == moved.timestamp()


def test_local_datetime_takes_the_first_of_the_two_half_past_twos():
    first = local_datetime(date(2027, 10, 31), time(2, 30))

    # == between zones is always False for an ambiguous wall time (PEP 495): compare instants.
    assert first.timestamp() == datetime(2027, 10, 31, 0, 30, tzinfo=UTC).timestamp()
    assert first.utcoffset() == timedelta(hours=2)
    assert engine.local_epoch(date(2027, 10, 31), time(2, 30)) == first.timestamp()


@pytest.mark.parametrize("day", [date(2027, 3, 28), date(2027, 10, 31)], ids=str)
def test_local_epoch_agrees_with_local_datetime_every_quarter_hour_of_a_switch_day(day):
    for quarter in range(96):
        at = time(quarter // 4, quarter % 4 * 15)
        assert engine.local_epoch(day, at) == local_datetime(day, at).timestamp(), at


def test_a_fixed_start_in_the_missing_hour_is_moved_forward_like_the_wall_clock():
    day = date(2027, 3, 28)
    fixed = rule(
        day, time(1), time(5), mode=SlotMode.FIXED, slot_minutes=30, fixed_starts=(time(2, 30),)
    )

    [slot] = engine.free_slots([calendar(fixed)], day, day)

    assert local(slot) == ("2027-03-28 03:30", "04:00")


# --- the same through the database ----------------------------------------------------------


def weekend_and_monday_rules(resource, **fields):
    for weekday in (5, 6, 0):
        WeeklyRuleFactory(
            resource=resource,
            weekday=weekday,
            start_time=time(9),
            end_time=time(12),
            slot_mode=SlotMode.FIXED,
            slot_minutes=45,
            fixed_starts=["10:00"],
            open_on_holidays=True,
            **fields,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("days", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_slots_free_between_keeps_ten_oclock_around_a_change(days):
    room = ResourceFactory()
    weekend_and_monday_rules(room)

    slots = slots_free_between(resource_ids=[room.id], first=days[0], last=days[-1], now=NOW)

    assert [local(slot) for slot in slots] == [(f"{day} 10:00", "10:45") for day in days]
    assert [slot.start.astimezone(UTC).hour for slot in slots] == [UTC_HOUR_OF_TEN[d] for d in days]
    assert {slot.end_epoch - slot.start_epoch for slot in slots} == {2700}


@pytest.mark.django_db
@pytest.mark.parametrize("day", SPRING + AUTUMN, ids=str)
def test_booking_the_ten_oclock_slot_on_a_switch_day_round_trips_through_the_database(day):
    room = ResourceFactory()
    weekend_and_monday_rules(room)
    start = local_datetime(day, time(10))

    booking = booking_create(
        purpose="wedding",
        requests=[AllocationRequest(room.id, start, start + timedelta(minutes=45))],
        status=BookingStatus.CONFIRMED,
        now=NOW,
    )

    allocation = Allocation.objects.get(booking=booking)
    assert allocation.start.astimezone(BERLIN).time() == time(10)
    assert (allocation.end - allocation.start).total_seconds() == 2700
    assert slots_free_between(resource_ids=[room.id], first=day, last=day, now=NOW) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "hours"), [(date(2027, 3, 28), 2), (date(2027, 10, 31), 4)], ids=["spring", "autumn"]
)
def test_a_registrar_window_over_the_switch_night_books_its_real_length(day, hours):
    registrar = ResourceFactory()
    WeeklyRuleFactory(
        resource=registrar,
        weekday=6,
        start_time=time(1),
        end_time=time(4),
        slot_mode=SlotMode.WINDOW,
    )
    start, end = local_datetime(day, time(1)), local_datetime(day, time(4))

    booking = booking_create(
        purpose="duty", requests=[AllocationRequest(registrar.id, start, end)], now=NOW
    )

    allocation = Allocation.objects.get(booking=booking)
    assert (allocation.end - allocation.start).total_seconds() == hours * 3600
    assert allocation.end.astimezone(BERLIN).time() == time(4)


def test_local_weekday_hour_matches_datetime_around_both_switches():
    from datetime import timedelta as _td

    from rathaus.scheduling import engine

    moment = datetime(2027, 3, 27, 0, 0, tzinfo=BERLIN)
    while moment < datetime(2027, 11, 2, tzinfo=BERLIN):
        seconds = int(moment.timestamp())
        local = engine.from_epoch(seconds)
        assert engine.local_weekday_hour(seconds) == (local.weekday(), local.hour)
        moment += _td(minutes=37) if moment.month in (3, 10, 11) else _td(hours=5, minutes=11)
