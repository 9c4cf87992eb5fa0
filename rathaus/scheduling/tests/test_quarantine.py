"""A cancelled booking can keep its time blocked for a while (quarantine), and a new booking
may take that time over explicitly (supersede), e.g. for the waiting list.

Same calendar as test_services: Monday 1 February 2027, slots 09:00–12:00 every 30 minutes.
"""

from datetime import timedelta

import pytest

from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.exceptions import SlotUnavailable
from rathaus.scheduling.models import Allocation, Booking
from rathaus.scheduling.services import booking_create, booking_set_status, bookings_expire_due

from .test_services import NOW, assert_no_double_booking, free_starts, request

pytestmark = pytest.mark.django_db
QUARANTINE = timedelta(minutes=10)


def cancelled_in_quarantine(room):
    booking = booking_create(purpose="wedding", requests=[request(room, 10)], now=NOW)
    return booking_set_status(
        booking=booking, status=BookingStatus.CANCELLED, now=NOW, quarantine_for=QUARANTINE
    )


def test_a_quarantined_slot_is_neither_offered_nor_bookable_until_it_ends(room):
    booking = cancelled_in_quarantine(room)

    assert booking.status == BookingStatus.CANCELLED
    assert "10:00" not in free_starts(room, now=NOW + timedelta(minutes=9))
    with pytest.raises(SlotUnavailable):
        booking_create(
            purpose="wedding", requests=[request(room, 10)], now=NOW + timedelta(minutes=9)
        )

    later = NOW + QUARANTINE + timedelta(seconds=1)
    assert "10:00" in free_starts(room, now=later)
    rebooked = booking_create(purpose="wedding", requests=[request(room, 10)], now=later)
    assert rebooked.status == BookingStatus.HOLD
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED  # stays cancelled, not "expired"
    assert not booking.allocations.filter(active=True).exists()
    assert_no_double_booking(later)


def test_supersede_takes_over_the_quarantined_time_at_once(room):
    booking = cancelled_in_quarantine(room)

    offer = booking_create(
        purpose="wedding",
        requests=[request(room, 10)],
        now=NOW + timedelta(minutes=1),
        supersede_booking_ids=[booking.pk],
    )

    assert offer.status == BookingStatus.HOLD
    assert not Allocation.objects.filter(booking=booking, active=True).exists()
    assert_no_double_booking(NOW + timedelta(minutes=1))


def test_supersede_never_frees_an_active_booking(room):
    active = booking_create(purpose="wedding", requests=[request(room, 10)], now=NOW)

    with pytest.raises(SlotUnavailable):
        booking_create(
            purpose="wedding",
            requests=[request(room, 10)],
            now=NOW,
            supersede_booking_ids=[active.pk],
        )
    assert Booking.objects.get(pk=active.pk).status == BookingStatus.HOLD


def test_cancelling_without_quarantine_frees_the_slot_at_once(room):
    booking = booking_create(purpose="wedding", requests=[request(room, 10)], now=NOW)
    booking_set_status(booking=booking, status=BookingStatus.CANCELLED, now=NOW)

    assert "10:00" in free_starts(room, now=NOW)


def test_the_expiry_job_ends_quarantines_that_are_over(room):
    booking = cancelled_in_quarantine(room)

    bookings_expire_due(now=NOW + timedelta(minutes=5))
    assert booking.allocations.filter(active=True).count() == 1

    bookings_expire_due(now=NOW + QUARANTINE)
    assert booking.allocations.filter(active=True).count() == 0
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
