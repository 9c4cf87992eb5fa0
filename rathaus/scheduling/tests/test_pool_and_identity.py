"""One of a pool (strategies, `pool_choose`, `book_one_of`) and the per-identity limit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling.constants import BookingStatus, SlotMode
from rathaus.scheduling.exceptions import IdentityLimitReached, SlotNotOffered, SlotUnavailable
from rathaus.scheduling.models import BookingIdentity
from rathaus.scheduling.pool import pool_choose, pool_order
from rathaus.scheduling.services import (
    AllocationRequest,
    IdentityLimit,
    booking_create,
    booking_door,
    booking_identity_replace,
    booking_set_status,
    identity_active_count,
)

from .factories import ResourceFactory, WeeklyRuleFactory

pytestmark = pytest.mark.django_db

DAY = date(2027, 6, 7)  # a Monday
NOW = datetime(2027, 6, 1, 9, tzinfo=BERLIN)


def at(hour, minute=0):
    return local_datetime(DAY, time(hour, minute))


@pytest.fixture
def desks():
    made = []
    for number in range(3):
        desk = ResourceFactory(slug=f"desk-{number}")
        WeeklyRuleFactory(
            resource=desk,
            weekday=0,
            start_time=time(8),
            end_time=time(12),
            slot_mode=SlotMode.WINDOW,
            slot_minutes=0,
        )
        made.append(desk.pk)
    return made


def book(desk, hour, minute=0, minutes=30, **kwargs):
    start = at(hour, minute)
    return booking_create(
        purpose="visit",
        requests=[AllocationRequest(desk, start, start + timedelta(minutes=minutes))],
        status=BookingStatus.CONFIRMED,
        now=NOW,
        **kwargs,
    )


def test_strategies_order_the_pool(desks):
    book(desks[0], 8)
    book(desks[0], 9)
    book(desks[1], 8)

    assert pool_order(desks, at(10), at(10, 30), now=NOW) == desks
    assert pool_order(desks, at(10), at(10, 30), strategy="least_busy", now=NOW) == [
        desks[2],
        desks[1],
        desks[0],
    ]
    assert pool_order(desks, at(10), at(10, 30), strategy="random", now=NOW)[0] == desks[2]
    reverse = pool_order(desks, at(10), at(10, 30), strategy=lambda c, busy: c[::-1], now=NOW)
    assert reverse == desks[::-1]


def test_pool_choose_skips_the_busy_and_the_closed(desks):
    book(desks[0], 10)
    assert pool_choose(desks, at(10), at(10, 30), now=NOW) == desks[1]
    assert pool_choose(desks, at(12), at(12, 30), now=NOW) is None  # closed for all


def test_book_one_of_takes_the_first_free_alternative(desks):
    book(desks[0], 10)
    with booking_door(resource_ids=desks, now=NOW) as door:
        index, booking = door.book_one_of(
            [[AllocationRequest(desk, at(10), at(10, 30))] for desk in desks], purpose="visit"
        )
    assert index == 1
    assert booking.allocations.get().resource_id == desks[1]


def test_book_one_of_says_why_nothing_was_booked(desks):
    with booking_door(resource_ids=desks, now=NOW) as door, pytest.raises(SlotNotOffered):
        door.book_one_of([[AllocationRequest(d, at(13), at(13, 30))] for d in desks], purpose="v")
    for desk in desks:
        book(desk, 10)
    with booking_door(resource_ids=desks, now=NOW) as door, pytest.raises(SlotUnavailable):
        door.book_one_of([[AllocationRequest(d, at(10), at(10, 30))] for d in desks], purpose="v")


def test_the_door_refuses_a_resource_it_did_not_lock(desks):
    with booking_door(resource_ids=desks[:1], now=NOW) as door, pytest.raises(ValueError):
        door.book([AllocationRequest(desks[1], at(10), at(10, 30))], purpose="visit")


def test_the_identity_limit_counts_active_future_bookings_of_any_key(desks):
    person = IdentityLimit(keys=["mail:anna", "name:anna"], limit=2)
    first = book(desks[0], 8, identity=person)
    book(desks[1], 8, identity=IdentityLimit(keys=["name:anna"]))  # stored without a limit
    with pytest.raises(IdentityLimitReached) as refused:
        book(desks[2], 8, identity=person)
    assert refused.value.limit == 2

    booking_set_status(booking=first, status=BookingStatus.CANCELLED, now=NOW)
    book(desks[2], 8, identity=person)
    assert identity_active_count(keys=["mail:anna"], now=NOW) == 1
    assert identity_active_count(keys=["mail:anna"], now=at(8, 30)) == 0  # over by then


def test_an_expired_hold_does_not_count(desks):
    person = IdentityLimit(keys=["mail:ben"], limit=1)
    start = at(9)
    booking_create(
        purpose="visit",
        requests=[AllocationRequest(desks[0], start, start + timedelta(minutes=30))],
        hold_for=timedelta(minutes=10),
        now=NOW,
        identity=person,
    )
    with pytest.raises(IdentityLimitReached):
        book(desks[1], 9, identity=person)
    later = NOW + timedelta(minutes=11)
    booking_create(
        purpose="visit",
        requests=[AllocationRequest(desks[1], start, start + timedelta(minutes=30))],
        status=BookingStatus.CONFIRMED,
        now=later,
        identity=person,
    )


def test_keys_follow_edited_or_erased_personal_data(desks):
    booking = book(desks[0], 8, identity=IdentityLimit(keys=["mail:old", "name:x"]))
    booking_identity_replace(booking_id=booking.pk, keys=["mail:new", "name:x"])
    assert set(BookingIdentity.objects.values_list("key", flat=True)) == {"mail:new", "name:x"}
    booking_identity_replace(booking_id=booking.pk, keys=[])
    assert not BookingIdentity.objects.exists()


def test_key_limits_count_each_key_alone(desks):
    """Two people sharing one address: each person may have one, the address three."""

    def family(name):
        keys = ["mail:family", f"name:{name}"]
        return IdentityLimit(keys=keys, key_limits={"mail:family": 3, f"name:{name}": 1})

    book(desks[0], 8, identity=family("anna"))
    book(desks[1], 8, identity=family("ben"))  # a union limit of 1 would refuse this one
    with pytest.raises(IdentityLimitReached) as refused:
        book(desks[2], 8, identity=family("anna"))
    assert (refused.value.key, refused.value.limit) == ("name:anna", 1)
    book(desks[2], 8, identity=family("clara"))
    with pytest.raises(IdentityLimitReached) as refused:
        book(desks[0], 9, identity=family("dora"))
    assert (refused.value.key, refused.value.limit) == ("mail:family", 3)
