"""Duration-based free-time search (`engine.free_starts`): hypothesis against brute force.

On a small grid (one or two days, quarter-hour windows, 5-minute bookings and closures) the
reference checks every aligned start minute by minute: every result is really free, and nothing
free is missed.
"""

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rathaus.core.timezone import BERLIN
from rathaus.scheduling import engine
from rathaus.scheduling.constants import SlotMode
from rathaus.scheduling.engine import OpeningSpec, Pattern, ResourceCalendar, RuleSpec

PROPERTY = settings(max_examples=120, deadline=None)
WINDOW = Pattern(mode=SlotMode.WINDOW, slot_minutes=0)
FIRST = date(2027, 3, 1)  # a Monday; 2027-03-28 (clock change) is covered by DAYS
DAYS = [FIRST, date(2027, 3, 28), date(2027, 12, 24), date(2027, 5, 13)]


def wall(day: date, at: time) -> int:
    return int(datetime.combine(day, at, tzinfo=BERLIN).timestamp())


quarter = st.integers(min_value=28, max_value=76).map(lambda q: time(q // 4, q % 4 * 15))


@st.composite
def calendars(draw):
    day = draw(st.sampled_from(DAYS))
    windows = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        start, end = sorted(draw(st.lists(quarter, min_size=2, max_size=2, unique=True)))
        windows.append((start, end))
    as_rule = draw(st.booleans())
    rules = [
        RuleSpec(weekday=day.weekday(), start_time=s, end_time=e, pattern=WINDOW)
        for s, e in windows
    ]
    openings = [OpeningSpec(day, s, e, WINDOW) for s, e in windows]
    base = wall(day, time(7))
    blocked = [
        (base + start * 300, base + (start + length) * 300)
        for start, length in draw(
            st.lists(st.tuples(st.integers(0, 140), st.integers(1, 24)), max_size=6)
        )
    ]
    calendar = ResourceCalendar(
        resource_id=1,
        rules=rules if as_rule else [],
        openings=[] if as_rule else openings,
        blocked=blocked,
    )
    return day, calendar


def free_by_brute_force(calendar, day, length, step):
    open_windows = engine.windows(calendar, day, day)
    low = min((w.start for w in open_windows), default=0)
    high = max((w.end for w in open_windows), default=0)
    found = []
    start = -(-low // step) * step
    while start + length <= high:
        # open minute by minute (adjacent windows are one open time), and nothing blocked
        is_open = all(
            any(w.start <= minute < w.end for w in open_windows)
            for minute in range(start, start + length, 60)
        )
        clear = all(end <= start or begin >= start + length for begin, end in calendar.blocked)
        if is_open and clear:
            found.append(start)
        start += step
    return found


@PROPERTY
@given(
    calendars(),
    st.sampled_from([5, 15, 25, 40, 60]),
    st.sampled_from([5, 10, 15]),
)
def test_every_start_found_is_free_and_none_is_missed(day_and_calendar, minutes, step_minutes):
    day, calendar = day_and_calendar
    length, step = minutes * 60, step_minutes * 60

    found = engine.free_starts(calendar, day, day, length=length, step=step)

    assert found == free_by_brute_force(calendar, day, length, step)


def test_not_before_and_alignment():
    day = FIRST
    calendar = ResourceCalendar(
        resource_id=1,
        rules=[RuleSpec(weekday=0, start_time=time(9, 2), end_time=time(10), pattern=WINDOW)],
    )
    found = engine.free_starts(
        calendar, day, day, length=25 * 60, step=5 * 60, not_before=wall(day, time(9, 21))
    )
    as_times = [datetime.fromtimestamp(s, BERLIN).time() for s in found]
    assert as_times == [time(9, 25), time(9, 30), time(9, 35)]


def test_slot_patterns_are_not_searched_by_duration():
    grid = Pattern(mode=SlotMode.GRID, slot_minutes=30)
    calendar = ResourceCalendar(resource_id=1, rules=[RuleSpec(0, time(9), time(12), grid)])
    assert engine.free_starts(calendar, FIRST, FIRST, length=1500, step=300) == []


def test_many_resources_sorted_by_start_then_resource():
    rule = RuleSpec(weekday=0, start_time=time(9), end_time=time(9, 30), pattern=WINDOW)
    busy = (wall(FIRST, time(9)), wall(FIRST, time(9, 10)))
    calendars_ = [
        ResourceCalendar(resource_id=2, rules=[rule]),
        ResourceCalendar(resource_id=1, rules=[rule], blocked=[busy]),
    ]
    slots = engine.free_by_duration(calendars_, FIRST, FIRST, length=1200, step=600)
    assert [(s.resource_id, s.start.astimezone(BERLIN).time()) for s in slots] == [
        (2, time(9)),
        (1, time(9, 10)),
        (2, time(9, 10)),
    ]
    assert all(s.end - s.start == timedelta(minutes=20) for s in slots)


@PROPERTY
@given(calendars(), st.sampled_from([5, 25, 60]))
def test_the_booking_check_accepts_every_start_found(day_and_calendar, minutes):
    day, calendar = day_and_calendar
    for start in engine.free_starts(calendar, day, day, length=minutes * 60, step=300):
        assert engine.slot_is_offered(calendar, start, start + minutes * 60)
        assert not engine.overlaps_blocked(calendar, start, start + minutes * 60)


def test_adjacent_windows_are_one_open_time():
    """A registrar on duty 08–13 and 13–18:30 can take a wedding at 12:45 with travel."""
    calendar = ResourceCalendar(
        resource_id=1,
        rules=[
            RuleSpec(weekday=0, start_time=time(8), end_time=time(13), pattern=WINDOW),
            RuleSpec(weekday=0, start_time=time(13), end_time=time(18, 30), pattern=WINDOW),
        ],
    )
    start, end = wall(FIRST, time(12, 30)), wall(FIRST, time(13, 30))
    assert engine.slot_is_offered(calendar, start, end)
    assert engine.Coverage([engine.free_intervals(calendar, FIRST, FIRST)]).covers(start, end)
    assert start in engine.free_starts(calendar, FIRST, FIRST, length=3600, step=300)
