"""An emergency opening (`ExtraOpening.despite_closures`) opens through a closure of every
resource, and only its own resource; `engine.subtract` against brute force."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling import engine
from rathaus.scheduling.constants import BookingStatus, SlotMode
from rathaus.scheduling.exceptions import SlotNotOffered
from rathaus.scheduling.selectors import free_by_duration_between
from rathaus.scheduling.services import AllocationRequest, booking_create

from .factories import ClosureFactory, ExtraOpeningFactory, ResourceFactory

DAY = date(2027, 12, 27)  # a Monday inside the Christmas break
NOW = datetime(2027, 12, 1, 9, tzinfo=BERLIN)

intervals = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 15)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=5,
)


@given(intervals, intervals)
def test_subtract_keeps_exactly_the_points_outside_every_hole(blocks, holes):
    kept = engine.subtract(blocks, holes)
    for point in range(80):
        inside_block = any(s <= point < e for s, e in blocks)
        inside_hole = any(s <= point < e for s, e in holes)
        assert any(s <= point < e for s, e in kept) == (inside_block and not inside_hole)
    assert all(start < end for start, end in kept)


@pytest.fixture
def break_with_emergency(db):
    emergency, regular = ResourceFactory(slug="emergency"), ResourceFactory(slug="regular")
    for resource, despite in ((emergency, True), (regular, False)):
        ExtraOpeningFactory(
            resource=resource,
            date=DAY,
            start_time=time(9),
            end_time=time(11, 30),
            slot_mode=SlotMode.WINDOW,
            despite_closures=despite,
        )
    ClosureFactory(
        resource=None,
        start=local_datetime(date(2027, 12, 24), time.min),
        end=local_datetime(date(2028, 1, 1), time.min),
    )
    return emergency, regular


def test_only_the_emergency_opening_is_open_during_the_break(break_with_emergency):
    emergency, regular = break_with_emergency
    found = free_by_duration_between(
        resource_ids=[emergency.pk, regular.pk], first=DAY, last=DAY, minutes=30, now=NOW
    )
    assert {slot.resource_id for slot in found} == {emergency.pk}
    assert found[0].start == local_datetime(DAY, time(9))
    assert found[-1].end == local_datetime(DAY, time(11, 30))

    start = local_datetime(DAY, time(10))
    booking_create(
        purpose="visit",
        requests=[AllocationRequest(emergency.pk, start, start + timedelta(minutes=20))],
        status=BookingStatus.CONFIRMED,
        now=NOW,
    )
    with pytest.raises(SlotNotOffered):
        booking_create(
            purpose="visit",
            requests=[AllocationRequest(regular.pk, start, start + timedelta(minutes=20))],
            now=NOW,
        )


def test_a_closure_of_the_resource_itself_still_closes_it(break_with_emergency):
    emergency, _regular = break_with_emergency
    ClosureFactory(
        resource=emergency,
        start=local_datetime(DAY, time(10)),
        end=local_datetime(DAY, time(11)),
    )
    found = free_by_duration_between(
        resource_ids=[emergency.pk], first=DAY, last=DAY, minutes=30, now=NOW
    )
    assert found and all(
        slot.end <= local_datetime(DAY, time(10)) or slot.start >= local_datetime(DAY, time(11))
        for slot in found
    )
