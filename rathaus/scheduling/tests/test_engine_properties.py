"""Hypothesis properties of the pure slot engine (no database).

The reference values here are computed the slow, obvious way: one aware datetime per wall-clock
time (`datetime.combine(day, at, tzinfo=BERLIN)`, which moves a non-existent time forward and
takes the first of two ambiguous ones, as `core.timezone.local_datetime` documents), plain
loops instead of bisection, and the holiday list straight from the `holidays` package.
"""

from datetime import date, datetime, time, timedelta
from itertools import pairwise

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from rathaus.core.timezone import BERLIN
from rathaus.scheduling import engine
from rathaus.scheduling.constants import SlotMode
from rathaus.scheduling.engine import OpeningSpec, Pattern, ResourceCalendar, RuleSpec

PROPERTY = settings(max_examples=75, deadline=None)

# Days that make the engine work hardest: both clock changes and NRW holidays in 2026–2028.
SPECIAL_DAYS = [
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2027, 3, 26),
    date(2027, 3, 28),
    date(2027, 3, 29),
    date(2027, 10, 31),
    date(2027, 11, 1),
    date(2027, 12, 24),
    date(2028, 3, 26),
    date(2028, 10, 29),
]


def wall(day: date, at: time) -> int:
    """Epoch seconds of Berlin wall-clock `at` on `day`, computed without the engine."""
    return int(datetime.combine(day, at, tzinfo=BERLIN).timestamp())


def local_date(seconds: int) -> date:
    return datetime.fromtimestamp(seconds, BERLIN).date()


def is_holiday(day: date) -> bool:
    return day in holidays.country_holidays("DE", subdiv="NW", years=day.year)


def every_day(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- strategies -------------------------------------------------------------------------------

# Quarter hours across the whole day, so that rules also start or end inside the DST night.
quarter_hours = st.integers(min_value=0, max_value=95)


def as_time(quarter: int) -> time:
    return time(quarter // 4, (quarter % 4) * 15)


@st.composite
def daily_windows(draw) -> tuple[time, time]:
    # Any quarter hour, or one of the night of the clock change (01:00, 01:30, 02:00 … 02:45).
    start = draw(st.one_of(st.integers(0, 94), st.sampled_from([4, 6, 8, 9, 10, 11])))
    end = draw(st.integers(min_value=start + 1, max_value=min(start + 40, 95)))
    return as_time(start), as_time(end)


@st.composite
def patterns(draw) -> Pattern:
    mode = draw(st.sampled_from([SlotMode.GRID, SlotMode.FIXED, SlotMode.WINDOW]))
    fixed = ()
    if mode == SlotMode.FIXED:
        fixed = tuple(
            sorted(set(draw(st.lists(quarter_hours.map(as_time), min_size=1, max_size=5))))
        )
    return Pattern(
        mode=mode,
        slot_minutes=draw(st.sampled_from([5, 15, 20, 30, 45, 60, 90])),
        buffer_minutes=draw(st.sampled_from([0, 0, 5, 10, 15])),
        fixed_starts=fixed,
    )


@st.composite
def date_ranges(draw) -> tuple[date, date]:
    first = draw(
        st.one_of(
            st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)),
            st.sampled_from(SPECIAL_DAYS).map(lambda d: d - timedelta(days=1)),
        )
    )
    return first, first + timedelta(days=draw(st.integers(min_value=0, max_value=13)))


def days_near(first: date, last: date):
    """A day of the range or just outside it, as validity periods start and end."""
    span = (last - first).days
    return st.integers(min_value=-2, max_value=span + 2).map(lambda k: first + timedelta(days=k))


@st.composite
def rules(draw, first: date, last: date) -> RuleSpec:
    start, end = draw(daily_windows())
    valid_from = draw(st.none() | days_near(first, last))
    valid_until = draw(st.none() | days_near(first, last).filter(lambda d: d >= (valid_from or d)))
    weekdays_in_range = sorted({day.weekday() for day in every_day(first, last)})
    return RuleSpec(
        weekday=draw(st.sampled_from(weekdays_in_range) | st.integers(min_value=0, max_value=6)),
        start_time=start,
        end_time=end,
        pattern=draw(patterns()),
        valid_from=valid_from,
        valid_until=valid_until,
        open_on_holidays=draw(st.booleans()),
    )


@st.composite
def openings(draw, first: date, last: date) -> OpeningSpec:
    start, end = draw(daily_windows())
    on = draw(st.dates(min_value=first - timedelta(days=1), max_value=last + timedelta(days=1)))
    return OpeningSpec(date=on, start_time=start, end_time=end, pattern=draw(patterns()))


@st.composite
def bookings(draw, first: date, last: date) -> tuple[int, int]:
    """An interval touching the range, from a minute to half a day; often on a 5-minute grid,
    so that it ends exactly where a slot starts (or starts where one ends)."""
    if draw(st.booleans()):
        day = draw(days_near(first, last))
        start = wall(day, as_time(draw(st.integers(min_value=0, max_value=95))))
        start += 300 * draw(st.integers(min_value=0, max_value=2))
        return start, start + 300 * draw(st.integers(min_value=1, max_value=36))
    low = wall(first, time.min) - 3600
    high = wall(last + timedelta(days=1), time.min) + 3600
    start = draw(st.integers(min_value=low, max_value=high))
    return start, start + 60 * draw(st.integers(min_value=1, max_value=12 * 60))


@st.composite
def closures(draw, first: date, last: date) -> tuple[int, int]:
    """A whole day, a range of days or part of a day, in Berlin time as staff enter them."""
    day = draw(st.dates(min_value=first, max_value=last))
    kind = draw(st.sampled_from(["day", "days", "part"]))
    if kind == "day":
        return wall(day, time.min), wall(day + timedelta(days=1), time.min)
    if kind == "days":
        until = day + timedelta(days=draw(st.integers(min_value=2, max_value=5)))
        return wall(day, time.min), wall(until, time.min)
    start, end = draw(daily_windows())
    return wall(day, start), wall(day, end)


@st.composite
def scenarios(draw):
    first, last = draw(date_ranges())
    calendar = ResourceCalendar(
        resource_id=draw(st.integers(min_value=1, max_value=50)),
        rules=tuple(draw(st.lists(rules(first, last), min_size=1, max_size=4))),
        openings=tuple(draw(st.lists(openings(first, last), max_size=2))),
    )
    # Most bookings are offered slots, so that blocked time often touches free slots exactly.
    offered = reference_slots(calendar, first, last)
    booked = draw(st.lists(st.sampled_from(offered), max_size=4)) if offered else []
    booked += draw(st.lists(bookings(first, last), max_size=5))
    closed = draw(st.lists(closures(first, last), max_size=2))
    calendar.blocked = tuple(booked + closed)
    return calendar, first, last, booked, closed


# --- the reference model ----------------------------------------------------------------------


def reference_windows(calendar: ResourceCalendar, first: date, last: date):
    """(day, start, end, pattern, source) for every opening, rule by rule and day by day."""
    result = []
    for day in every_day(first, last):
        holiday = is_holiday(day)
        for rule in calendar.rules:
            if rule.weekday != day.weekday() or (holiday and not rule.open_on_holidays):
                continue
            if rule.valid_from and day < rule.valid_from:
                continue
            if rule.valid_until and day > rule.valid_until:
                continue
            start, end = wall(day, rule.start_time), wall(day, rule.end_time)
            result.append((day, start, end, rule.pattern, rule))
        for opening in calendar.openings:
            if opening.date == day:
                start, end = wall(day, opening.start_time), wall(day, opening.end_time)
                result.append((day, start, end, opening.pattern, opening))
    return result


def reference_slots(calendar, first, last, not_before=None):
    candidates = []
    for day, start, end, pattern, _source in reference_windows(calendar, first, last):
        length = pattern.slot_minutes * 60
        if pattern.mode == SlotMode.GRID:
            at = start
            while at + length <= end:
                candidates.append((at, at + length))
                at += length + pattern.buffer_minutes * 60
        elif pattern.mode == SlotMode.FIXED:
            for fixed in pattern.fixed_starts:
                at = wall(day, fixed)
                if start <= at and at + length <= end:
                    candidates.append((at, at + length))
    return sorted(
        (start, end)
        for start, end in candidates
        if (not_before is None or start >= not_before)
        and not any(b_start < end and start < b_end for b_start, b_end in calendar.blocked)
    )


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def union(intervals) -> list[tuple[int, int]]:
    """Sorted, disjoint pieces covering the same time; touching intervals become one."""
    pieces: list[list[int]] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if pieces and start <= pieces[-1][1]:
            pieces[-1][1] = max(pieces[-1][1], end)
        else:
            pieces.append([start, end])
    return [(start, end) for start, end in pieces]


# --- properties ---------------------------------------------------------------------------------


@PROPERTY
@given(scenarios())
def test_no_free_slot_overlaps_a_booking_or_closure(scenario):
    calendar, first, last, booked, closed = scenario
    for slot in engine.free_slot_bounds(calendar, first, last):
        assert slot[0] < slot[1]
        for interval in booked:
            assert not overlaps(slot, interval), (slot, "booked", interval)
        for interval in closed:
            assert not overlaps(slot, interval), (slot, "closed", interval)


@PROPERTY
@given(scenarios())
def test_every_free_slot_lies_in_an_opening_on_a_day_that_is_open(scenario):
    calendar, first, last, _booked, _closed = scenario
    for start, end in engine.free_slot_bounds(calendar, first, last):
        day = local_date(start)
        assert first <= day <= last
        holiday = is_holiday(day)
        inside_rule = any(
            rule.weekday == day.weekday()
            and rule.pattern.mode != SlotMode.WINDOW
            and rule.applies_on(day)
            and (rule.open_on_holidays or not holiday)
            and wall(day, rule.start_time) <= start
            and end <= wall(day, rule.end_time)
            for rule in calendar.rules
        )
        inside_opening = any(
            opening.date == day
            and opening.pattern.mode != SlotMode.WINDOW
            and wall(day, opening.start_time) <= start
            and end <= wall(day, opening.end_time)
            for opening in calendar.openings
        )
        assert inside_rule or inside_opening, (engine.from_epoch(start), holiday)


@PROPERTY
@given(scenarios(), st.integers(min_value=0, max_value=14 * 24 * 3600))
def test_free_slots_are_exactly_the_offered_slots_minus_blocked_time(scenario, offset):
    """The engine finds every slot the reference finds, not only safe ones."""
    calendar, first, last, _booked, _closed = scenario
    not_before = wall(first, time.min) + offset
    assert engine.free_slot_bounds(calendar, first, last) == reference_slots(calendar, first, last)
    assert engine.free_slot_bounds(calendar, first, last, not_before=not_before) == reference_slots(
        calendar, first, last, not_before
    )


@PROPERTY
@given(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 1)).map(
        lambda d: d.replace(day=1)
    ),
    st.data(),
)
def test_a_month_at_once_equals_the_month_day_by_day(month_start, data):
    month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    calendar = ResourceCalendar(
        resource_id=1,
        rules=tuple(data.draw(st.lists(rules(month_start, month_end), min_size=1, max_size=5))),
        openings=tuple(data.draw(st.lists(openings(month_start, month_end), max_size=3))),
        blocked=tuple(
            data.draw(st.lists(bookings(month_start, month_end), max_size=15))
            + data.draw(st.lists(closures(month_start, month_end), max_size=3))
        ),
    )
    by_day_slots, by_day_intervals = [], []
    for day in every_day(month_start, month_end):
        by_day_slots += engine.free_slot_bounds(calendar, day, day)
        by_day_intervals += engine.free_intervals(calendar, day, day)

    assert engine.free_slot_bounds(calendar, month_start, month_end) == by_day_slots
    assert engine.free_intervals(calendar, month_start, month_end) == by_day_intervals
    assert [
        (s.start_epoch, s.end_epoch) for s in engine.free_slots([calendar], month_start, month_end)
    ] == by_day_slots


@PROPERTY
@given(scenarios())
def test_free_intervals_avoid_blocked_time_lie_in_windows_and_miss_nothing(scenario):
    calendar, first, last, _booked, _closed = scenario
    free = engine.free_intervals(calendar, first, last)
    opened = [(start, end) for _day, start, end, _p, _s in reference_windows(calendar, first, last)]

    for (start, end), following in pairwise(free):
        assert start < end <= following[0], "sorted, disjoint and not empty"
    for interval in free:
        assert interval[0] < interval[1]
        assert not any(overlaps(interval, blocked) for blocked in calendar.blocked)
        # Inside the open time; adjacent windows (09–12 and 12–15) may give one interval.
        assert any(
            o_start <= interval[0] and interval[1] <= o_end for o_start, o_end in union(opened)
        )

    # Complete: on every piece between two boundaries, free exactly when open and not blocked.
    points = sorted({p for pair in [*opened, *calendar.blocked, *free] for p in pair})
    for low, high in pairwise(points):
        middle = (low + high) / 2
        expected = any(s <= middle < e for s, e in opened) and not any(
            s <= middle < e for s, e in calendar.blocked
        )
        actual = any(s <= middle < e for s, e in free)
        assert actual == expected, (engine.from_epoch(low), engine.from_epoch(high))


@PROPERTY
@given(scenarios())
def test_free_slots_of_many_resources_are_each_resources_own(scenario):
    calendar, first, last, _booked, _closed = scenario
    other = ResourceCalendar(
        resource_id=calendar.resource_id + 100, rules=calendar.rules, openings=calendar.openings
    )
    slots = engine.free_slots([calendar, other], first, last)
    assert slots == sorted(slots, key=lambda s: (s.start_epoch, s.resource_id, s.end_epoch))
    mine = [(s.start_epoch, s.end_epoch) for s in slots if s.resource_id == calendar.resource_id]
    theirs = [(s.start_epoch, s.end_epoch) for s in slots if s.resource_id == other.resource_id]
    assert mine == engine.free_slot_bounds(calendar, first, last)
    assert theirs == engine.free_slot_bounds(other, first, last)
    # Blocking one resource never frees or blocks anything on another one.
    assert set(mine) <= set(theirs)


@PROPERTY
@given(scenarios())
def test_every_free_slot_is_offered_and_not_blocked(scenario):
    """What the search shows, the booking re-check accepts (engine half of booking_create)."""
    calendar, first, last, _booked, _closed = scenario
    for start, end in engine.free_slot_bounds(calendar, first, last):
        assert engine.slot_is_offered(calendar, start, end)
        assert not engine.overlaps_blocked(calendar, start, end)
