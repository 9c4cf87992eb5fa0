"""`BookingDoor.book_many`: many bookings at once, all or none, with the door's guarantee."""

from datetime import time, timedelta

import pytest

from rathaus.scheduling.constants import BookingStatus, SlotMode
from rathaus.scheduling.exceptions import SlotNotOffered, SlotUnavailable
from rathaus.scheduling.models import Booking, BookingIdentity
from rathaus.scheduling.services import (
    BookingItem,
    booking_door,
    identity_active_count,
    identity_active_counts,
)

from .factories import ResourceFactory, WeeklyRuleFactory
from .test_services import NOW, assert_no_double_booking, existing, request

pytestmark = pytest.mark.django_db


@pytest.fixture
def desks(registrar):
    second = ResourceFactory(kind="registrar", slug="zweite")
    WeeklyRuleFactory(
        resource=second, weekday=0, start_time=time(8), end_time=time(16), slot_mode=SlotMode.WINDOW
    )
    return registrar, second


def test_every_item_is_booked_with_its_keys(desks):
    a, b = desks
    items = [
        BookingItem([request(a, 8, minutes=20)], keys=["p:1", "e:1"]),
        BookingItem([request(a, 8, 20, minutes=20)], keys=["p:2"]),
        BookingItem([request(b, 8, minutes=45)], keys=["p:3", "e:1"]),
    ]
    with booking_door(resource_ids=[a.pk, b.pk], now=NOW) as door:
        bookings = door.book_many(items, purpose="citizen-appointment")
    assert [booking.pk is not None for booking in bookings] == [True] * 3
    assert {b.status for b in Booking.objects.all()} == {BookingStatus.CONFIRMED}
    assert BookingIdentity.objects.count() == 5
    assert identity_active_counts(keys=["e:1", "p:2", "p:9"], now=NOW) == {"e:1": 2, "p:2": 1}
    assert identity_active_count(keys=["e:1"], now=NOW) == 2
    assert_no_double_booking()


@pytest.mark.parametrize(
    "second",
    [
        lambda a: request(a, 8, 10, minutes=20),  # overlaps the first item
        lambda a: request(a, 9, minutes=30),  # clashes with the existing booking
    ],
)
def test_one_clash_refuses_all(desks, second):
    a, b = desks
    existing(a, 9, minutes=30, status=BookingStatus.CONFIRMED)
    before = Booking.objects.count()
    with pytest.raises(SlotUnavailable), booking_door(resource_ids=[a.pk, b.pk], now=NOW) as door:
        door.book_many(
            [BookingItem([request(a, 8, minutes=20)]), BookingItem([second(a)])],
            purpose="citizen-appointment",
        )
    assert Booking.objects.count() == before
    assert_no_double_booking()


def test_a_time_outside_the_opening_refuses_all(desks):
    a, _b = desks
    with pytest.raises(SlotNotOffered), booking_door(resource_ids=[a.pk], now=NOW) as door:
        door.book_many(
            [BookingItem([request(a, 8)]), BookingItem([request(a, 16)])],
            purpose="citizen-appointment",
        )
    assert Booking.objects.count() == 0


def test_unlocked_resources_and_the_past_are_refused(desks):
    a, b = desks
    with pytest.raises(ValueError), booking_door(resource_ids=[a.pk], now=NOW) as door:
        door.book_many([BookingItem([request(b, 8)])], purpose="x")
    with pytest.raises(SlotNotOffered), booking_door(resource_ids=[a.pk], now=NOW) as door:
        door.book_many(
            [BookingItem([request(a, 8, day=NOW.date() - timedelta(days=1))])], purpose="x"
        )
    with booking_door(resource_ids=[a.pk], now=NOW) as door:
        assert door.book_many([], purpose="x") == []
