"""The booking services and the free-slot selector against the database.

Every call passes `now`, so the tests do not depend on the wall clock. The day under test is
Monday 1 February 2027; the room opens on Mondays 09:00–12:00 in 30-minute slots, the registrar
has an open duty window on Mondays 08:00–16:00.
"""

from datetime import date, datetime, time, timedelta

import pytest

from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.exceptions import SlotNotOffered, SlotUnavailable
from rathaus.scheduling.models import Allocation, Booking
from rathaus.scheduling.selectors import (
    active_allocations_q,
    allocations_lapsed_or_clashing,
    slots_free_between,
)
from rathaus.scheduling.services import (
    AllocationRequest,
    booking_create,
    booking_door,
    booking_move,
    booking_set_status,
    bookings_expire_due,
)

from .factories import (
    BookingFactory,
    ClosureFactory,
    ExtraOpeningFactory,
    ResourceFactory,
    WeeklyRuleFactory,
)

pytestmark = pytest.mark.django_db

DAY = date(2027, 2, 1)  # a Monday, no holiday
NOW = datetime(2027, 1, 25, 12, 0, tzinfo=BERLIN)
EASTER_MONDAY = date(2027, 3, 29)

# A known bug in services.py, reported and not fixed here (strict: the marker goes with the fix).


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return local_datetime(day, time(hour, minute))


def request(resource, hour, minute=0, minutes=30, day=DAY, **kwargs) -> AllocationRequest:
    start = at(hour, minute, day)
    return AllocationRequest(resource.id, start, start + timedelta(minutes=minutes), **kwargs)


def free_starts(resource, day=DAY, now=NOW) -> list[str]:
    slots = slots_free_between(resource_ids=[resource.id], first=day, last=day, now=now)
    return [f"{slot.start.astimezone(BERLIN):%H:%M}" for slot in slots]


def assert_no_double_booking(now=NOW):
    """The guarantee itself: no two blocking allocations of one resource overlap."""
    rows = list(
        Allocation.objects.filter(active_allocations_q(now)).values_list(
            "resource_id", "start", "end"
        )
    )
    for index, (resource, start, end) in enumerate(rows):
        for other_resource, other_start, other_end in rows[index + 1 :]:
            assert not (resource == other_resource and start < other_end and other_start < end), (
                f"resource {resource} double-booked: {start}–{end} and {other_start}–{other_end}"
            )


def existing(resource, hour, minute=0, minutes=30, day=DAY, **fields) -> Booking:
    """A booking that is already there, written without the service."""
    start = at(hour, minute, day)
    return BookingFactory(
        start=start, end=start + timedelta(minutes=minutes), resources=[resource], **fields
    )


# --- booking_create ---------------------------------------------------------------------------


def test_the_booking_door_holds_the_slot_and_the_domain_writes_beside_it(room):
    with booking_door(resource_ids=[room.pk], now=NOW) as door:
        booking = door.book([request(room, 10)], purpose="wedding", hold_for=timedelta(minutes=15))
        attached = f"attached to {booking.pk}"  # the domain's own rows would go here

    booking.refresh_from_db()
    assert attached == f"attached to {booking.pk}"
    assert (booking.status, booking.purpose) == (BookingStatus.HOLD, "wedding")
    assert booking.expires_at == NOW + timedelta(minutes=15)
    assert (booking.start, booking.end) == (at(10), at(10, 30))
    [allocation] = booking.allocations.all()
    assert (allocation.resource_id, allocation.start, allocation.end) == (
        room.id,
        at(10),
        at(10, 30),
    )
    assert allocation.active is True
    assert allocation.expires_at == NOW + timedelta(minutes=15)
    assert free_starts(room) == ["09:00", "09:30", "10:30", "11:00", "11:30"]


def test_a_confirmed_booking_has_no_expiry_even_when_a_hold_time_is_given(room):
    booking = booking_create(
        purpose="wedding",
        requests=[request(room, 9)],
        status=BookingStatus.CONFIRMED,
        hold_for=timedelta(minutes=15),
        now=NOW,
    )

    assert booking.expires_at is None
    assert booking.allocations.get().expires_at is None


def test_the_hold_stops_blocking_once_it_has_expired(room):
    booking_create(
        purpose="wedding", requests=[request(room, 9)], hold_for=timedelta(minutes=15), now=NOW
    )

    assert "09:00" not in free_starts(room, now=NOW + timedelta(minutes=14))
    assert "09:00" in free_starts(room, now=NOW + timedelta(minutes=15))


@pytest.mark.parametrize(
    ("status", "expires_at"),
    [
        (BookingStatus.HOLD, None),
        (BookingStatus.HOLD, NOW + timedelta(minutes=1)),
        (BookingStatus.HOLD, NOW + timedelta(days=3)),
        (BookingStatus.CONFIRMED, None),
    ],
    ids=["pending", "pending-until-soon", "reserved", "confirmed"],
)
@pytest.mark.parametrize(
    ("hour", "minute", "minutes"),
    [(10, 0, 30), (9, 45, 30), (10, 15, 60)],
    ids=["same-slot", "overlapping-start", "overlapping-end"],
)
def test_an_active_booking_blocks_overlapping_times(
    registrar, status, expires_at, hour, minute, minutes
):
    taken = existing(registrar, 10, minutes=30, status=status, expires_at=expires_at)
    bookings_before = Booking.objects.count()

    with pytest.raises(SlotUnavailable):
        booking_create(
            purpose="duty", requests=[request(registrar, hour, minute, minutes)], now=NOW
        )

    assert Booking.objects.count() == bookings_before
    assert list(Allocation.objects.values_list("booking_id", flat=True)) == [taken.pk]


def test_a_booking_that_only_touches_another_one_is_fine(room):
    existing(room, 10)

    booking_create(purpose="wedding", requests=[request(room, 9, 30)], now=NOW)
    booking_create(purpose="wedding", requests=[request(room, 10, 30)], now=NOW)

    assert free_starts(room) == ["09:00", "11:00", "11:30"]
    assert_no_double_booking()


@pytest.mark.parametrize("status", [BookingStatus.CANCELLED, BookingStatus.EXPIRED])
def test_cancelled_and_expired_bookings_block_nothing(room, status):
    existing(room, 10, status=status)

    assert "10:00" in free_starts(room)
    booking = booking_create(purpose="wedding", requests=[request(room, 10)], now=NOW)

    assert booking.allocations.get().active is True
    assert_no_double_booking()


@pytest.mark.parametrize("status", [BookingStatus.HOLD])
@pytest.mark.parametrize(
    "expired", [timedelta(0), timedelta(hours=2)], ids=["just-now", "hours-ago"]
)
def test_an_expired_hold_blocks_nothing_before_the_cleanup_has_run(room, status, expired):
    stale = existing(room, 10, status=status, expires_at=NOW - expired)
    assert Allocation.objects.get(booking=stale).active is True  # the clean-up has not run

    assert "10:00" in free_starts(room)
    booking = booking_create(purpose="wedding", requests=[request(room, 10)], now=NOW)

    assert booking.allocations.get().active is True
    stale.refresh_from_db()
    assert stale.status == BookingStatus.EXPIRED
    assert not Allocation.objects.get(booking=stale).active
    assert_no_double_booking()


@pytest.mark.parametrize(
    "when",
    [
        pytest.param(lambda: (at(10, day=DAY + timedelta(days=1)), 30), id="tuesday-no-rule"),
        pytest.param(lambda: (at(12), 30), id="after-closing"),
        pytest.param(lambda: (at(8, 30), 30), id="before-opening"),
        pytest.param(lambda: (at(11, 45), 30), id="over-closing-time"),
        pytest.param(lambda: (at(9, 10), 30), id="off-the-grid"),
        pytest.param(lambda: (at(9), 45), id="wrong-length"),
        pytest.param(lambda: (at(9), 0), id="empty"),
        pytest.param(lambda: (at(9, 30), -30), id="backwards"),
    ],
)
def test_a_time_no_rule_offers_is_refused(room, when):
    start, minutes = when()

    with pytest.raises(SlotNotOffered):
        booking_create(
            purpose="wedding",
            requests=[AllocationRequest(room.id, start, start + timedelta(minutes=minutes))],
            now=NOW,
        )

    assert not Booking.objects.exists()


def test_no_requests_are_refused():
    with pytest.raises(SlotNotOffered):
        booking_create(purpose="wedding", requests=[], now=NOW)


@pytest.mark.parametrize("for_all_resources", [False, True], ids=["this-room", "all-resources"])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (time(0), None),  # the whole day
        (time(9, 45), time(10, 15)),  # part of a day
    ],
    ids=["whole-day", "part-of-day"],
)
def test_a_closed_time_is_refused_and_not_listed(room, for_all_resources, start, end):
    closed_from = at(start.hour, start.minute)
    closed_until = (
        at(end.hour, end.minute) if end else local_datetime(DAY + timedelta(days=1), time(0))
    )
    ClosureFactory(
        resource=None if for_all_resources else room, start=closed_from, end=closed_until
    )

    with pytest.raises(SlotNotOffered):
        booking_create(purpose="wedding", requests=[request(room, 10)], now=NOW)

    assert "10:00" not in free_starts(room)
    assert "09:30" not in free_starts(room)
    assert not Booking.objects.exists()


def test_a_closure_over_several_days_closes_each_of_them(room):
    ClosureFactory(
        resource=room,
        start=at(0, day=DAY - timedelta(days=3)),
        end=at(0, day=DAY + timedelta(days=8)),
    )

    with pytest.raises(SlotNotOffered):
        booking_create(purpose="wedding", requests=[request(room, 9)], now=NOW)
    assert free_starts(room) == []
    assert free_starts(room, day=DAY + timedelta(days=7)) == []
    assert free_starts(room, day=DAY + timedelta(days=14)) != []


def test_a_closure_of_another_resource_changes_nothing(room):
    ClosureFactory(resource=ResourceFactory(), start=at(0), end=at(23))

    booking_create(purpose="wedding", requests=[request(room, 10)], now=NOW)


def test_a_public_holiday_is_closed(room):
    with pytest.raises(SlotNotOffered):
        booking_create(purpose="wedding", requests=[request(room, 10, day=EASTER_MONDAY)], now=NOW)

    assert free_starts(room, day=EASTER_MONDAY) == []


def test_a_rule_that_opens_on_holidays_is_open_on_a_holiday():
    chapel = ResourceFactory()
    WeeklyRuleFactory(resource=chapel, weekday=0, open_on_holidays=True)

    booking_create(purpose="wedding", requests=[request(chapel, 10, day=EASTER_MONDAY)], now=NOW)

    assert "10:30" in free_starts(chapel, day=EASTER_MONDAY)


def test_an_extra_opening_opens_even_on_a_holiday(room):
    ExtraOpeningFactory(resource=room, date=EASTER_MONDAY, start_time=time(14), end_time=time(15))

    assert free_starts(room, day=EASTER_MONDAY) == ["14:00", "14:30"]
    booking_create(purpose="wedding", requests=[request(room, 14, day=EASTER_MONDAY)], now=NOW)
    assert free_starts(room, day=EASTER_MONDAY) == ["14:30"]


def test_a_rule_is_offered_only_within_its_validity_period(room):
    seasonal = ResourceFactory()
    WeeklyRuleFactory(
        resource=seasonal, weekday=0, valid_from=DAY, valid_until=DAY + timedelta(days=7)
    )

    assert free_starts(seasonal, day=DAY - timedelta(days=7)) == []
    assert free_starts(seasonal, day=DAY) != []
    assert free_starts(seasonal, day=DAY + timedelta(days=7)) != []
    assert free_starts(seasonal, day=DAY + timedelta(days=14)) == []
    with pytest.raises(SlotNotOffered):
        booking_create(
            purpose="x", requests=[request(seasonal, 9, day=DAY + timedelta(days=14))], now=NOW
        )


@pytest.mark.parametrize(
    "now", [at(10), at(10, 1), at(11)], ids=["at-start", "just-after", "later"]
)
def test_a_time_in_the_past_is_refused_and_not_listed(room, now):
    with pytest.raises(SlotNotOffered):
        booking_create(purpose="wedding", requests=[request(room, 10)], now=now)

    assert "10:00" not in free_starts(room, now=now)
    assert "11:30" in free_starts(room, now=now)


def test_a_request_that_need_not_be_offered_still_needs_free_time():
    corridor = ResourceFactory()  # no rules at all

    booking_create(
        purpose="travel", requests=[request(corridor, 7, must_be_offered=False)], now=NOW
    )
    with pytest.raises(SlotUnavailable):
        booking_create(
            purpose="travel", requests=[request(corridor, 7, 15, must_be_offered=False)], now=NOW
        )


# --- several resources: all or nothing --------------------------------------------------------


def wedding(room, registrar, hour, minute=0):
    """The room for the ceremony, the registrar for 15 minutes before and after as well."""
    ceremony = at(hour, minute)
    return [
        request(room, hour, minute),
        AllocationRequest(
            registrar.id, ceremony - timedelta(minutes=15), ceremony + timedelta(minutes=45)
        ),
    ]


def test_a_wedding_holds_room_and_registrar(room, registrar):
    booking = booking_create(purpose="wedding", requests=wedding(room, registrar, 10), now=NOW)

    assert sorted(booking.allocations.values_list("resource_id", flat=True)) == sorted(
        [room.id, registrar.id]
    )
    assert (booking.start, booking.end) == (at(9, 45), at(10, 45))
    assert "10:00" not in free_starts(room)


def test_when_the_second_resource_is_taken_nothing_is_written(room, registrar):
    existing(registrar, 10, 30, minutes=60)  # the registrar has another ceremony
    bookings_before = Booking.objects.count()
    allocations_before = set(Allocation.objects.values_list("id", flat=True))

    with pytest.raises(SlotUnavailable):
        booking_create(purpose="wedding", requests=wedding(room, registrar, 10), now=NOW)

    assert Booking.objects.count() == bookings_before
    assert set(Allocation.objects.values_list("id", flat=True)) == allocations_before
    assert "10:00" in free_starts(room)


def test_when_the_second_resource_is_closed_nothing_is_written(room, registrar):
    ClosureFactory(resource=registrar, start=at(8), end=at(16))

    with pytest.raises(SlotNotOffered):
        booking_create(purpose="wedding", requests=wedding(room, registrar, 10), now=NOW)

    assert not Booking.objects.exists()
    assert not Allocation.objects.exists()


def test_when_the_domain_fails_inside_the_door_nothing_is_written(room, registrar):
    with (
        pytest.raises(RuntimeError),
        booking_door(resource_ids=[room.pk, registrar.pk], now=NOW) as door,
    ):
        door.book(wedding(room, registrar, 10), purpose="wedding")
        raise RuntimeError("the wedding form could not be saved")

    assert not Booking.objects.exists()
    assert not Allocation.objects.exists()


def test_a_booking_cannot_hold_one_resource_twice_at_the_same_time(registrar):
    """Two requests of one booking for the same resource must not overlap each other either."""
    with pytest.raises(SlotUnavailable):
        booking_create(
            purpose="duty",
            requests=[request(registrar, 10, minutes=60), request(registrar, 10, 30, minutes=60)],
            now=NOW,
        )

    assert_no_double_booking()


# --- booking_move -----------------------------------------------------------------------------


def test_booking_move_may_overlap_its_own_old_time(room, registrar):
    booking = booking_create(purpose="duty", requests=[request(registrar, 10, minutes=60)], now=NOW)

    moved = booking_move(
        booking=booking, requests=[request(registrar, 10, 30, minutes=60)], now=NOW
    )

    assert (moved.start, moved.end) == (at(10, 30), at(11, 30))
    [allocation] = Allocation.objects.filter(booking=booking)
    assert (allocation.start, allocation.end, allocation.active) == (at(10, 30), at(11, 30), True)
    assert_no_double_booking()


def test_a_move_and_the_domain_rows_beside_it_are_one_transaction(registrar):
    booking = booking_create(purpose="duty", requests=[request(registrar, 10, minutes=60)], now=NOW)

    with (
        pytest.raises(RuntimeError),
        booking_door(resource_ids=[registrar.pk], now=NOW) as door,
    ):
        door.move(booking=booking, requests=[request(registrar, 12, minutes=60)])
        raise RuntimeError("the domain row could not be written")

    [allocation] = Allocation.objects.filter(booking=booking)
    assert (allocation.start, allocation.end) == (at(10), at(11))  # nothing moved


def test_booking_move_frees_the_old_slot_and_keeps_the_hold_expiry(room):
    expires = NOW + timedelta(minutes=20)
    booking = booking_create(
        purpose="wedding", requests=[request(room, 9)], hold_for=timedelta(minutes=20), now=NOW
    )

    booking_move(booking=booking, requests=[request(room, 11)], now=NOW)

    assert free_starts(room) == ["09:00", "09:30", "10:00", "10:30", "11:30"]
    allocation = Allocation.objects.get(booking=booking)
    assert (allocation.start, allocation.expires_at, allocation.active) == (at(11), expires, True)
    booking.refresh_from_db()
    assert (booking.start, booking.end, booking.expires_at) == (at(11), at(11, 30), expires)


def test_booking_move_onto_a_taken_time_changes_nothing(room, registrar):
    existing(room, 11)
    booking = booking_create(purpose="wedding", requests=wedding(room, registrar, 9, 30), now=NOW)
    before = sorted(
        Allocation.objects.filter(booking=booking).values_list("resource_id", "start", "end")
    )

    with pytest.raises(SlotUnavailable):
        booking_move(booking=booking, requests=wedding(room, registrar, 11), now=NOW)

    after = sorted(
        Allocation.objects.filter(booking=booking).values_list("resource_id", "start", "end")
    )
    assert after == before
    booking.refresh_from_db()
    assert booking.start == at(9, 15)
    assert_no_double_booking()


def test_booking_move_to_a_time_not_offered_changes_nothing(room):
    booking = booking_create(purpose="wedding", requests=[request(room, 9)], now=NOW)

    with pytest.raises(SlotNotOffered):
        booking_move(booking=booking, requests=[request(room, 9, 10)], now=NOW)
    with pytest.raises(SlotNotOffered):
        booking_move(booking=booking, requests=[request(room, 10)], now=at(10))

    assert Allocation.objects.get(booking=booking).start == at(9)


@pytest.mark.parametrize("status", [BookingStatus.CANCELLED, BookingStatus.EXPIRED])
def test_a_booking_that_is_no_longer_active_cannot_be_moved(room, status):
    booking = existing(room, 9, status=status)

    with pytest.raises(SlotUnavailable):
        booking_move(booking=booking, requests=[request(room, 10)], now=NOW)

    assert not Allocation.objects.filter(active=True).exists()


def test_an_expired_hold_cannot_be_moved_before_the_cleanup_has_run(room):
    """A hold past its expiry is over whether or not bookings_expire_due has marked it."""
    stale = existing(room, 9, status=BookingStatus.HOLD, expires_at=NOW - timedelta(minutes=1))

    with pytest.raises(SlotUnavailable):
        booking_move(booking=stale, requests=[request(room, 10)], now=NOW)

    stale.refresh_from_db()
    assert stale.status in (BookingStatus.HOLD, BookingStatus.EXPIRED)
    assert list(Allocation.objects.filter(booking=stale).values_list("start", flat=True)) == [at(9)]
    assert "10:00" in free_starts(room)


def test_booking_move_onto_a_time_held_by_an_expired_hold_succeeds(room):
    stale = existing(room, 11, status=BookingStatus.HOLD, expires_at=NOW - timedelta(hours=1))
    booking = booking_create(purpose="wedding", requests=[request(room, 9)], now=NOW)

    booking_move(booking=booking, requests=[request(room, 11)], now=NOW)

    assert Allocation.objects.get(booking=booking).start == at(11)
    stale.refresh_from_db()
    assert stale.status == BookingStatus.EXPIRED
    assert_no_double_booking()


# --- bookings_expire_due ----------------------------------------------------------------------


def test_bookings_expire_due_marks_each_hold_once(room):
    late_pending = existing(
        room, 9, status=BookingStatus.HOLD, expires_at=NOW - timedelta(minutes=5)
    )
    late_reserved = existing(room, 9, 30, status=BookingStatus.HOLD, expires_at=NOW)
    running = existing(room, 10, status=BookingStatus.HOLD, expires_at=NOW + timedelta(minutes=5))
    open_ended = existing(room, 10, 30, status=BookingStatus.HOLD)
    confirmed = existing(room, 11, status=BookingStatus.CONFIRMED)
    cancelled = existing(
        room, 11, 30, status=BookingStatus.CANCELLED, expires_at=NOW - timedelta(days=1)
    )

    assert sorted(bookings_expire_due(now=NOW)) == sorted([late_pending.pk, late_reserved.pk])
    assert bookings_expire_due(now=NOW) == []
    assert bookings_expire_due(now=NOW) == []

    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {
        late_pending.pk: BookingStatus.EXPIRED,
        late_reserved.pk: BookingStatus.EXPIRED,
        running.pk: BookingStatus.HOLD,
        open_ended.pk: BookingStatus.HOLD,
        confirmed.pk: BookingStatus.CONFIRMED,
        cancelled.pk: BookingStatus.CANCELLED,
    }
    assert set(Allocation.objects.filter(active=True).values_list("booking_id", flat=True)) == {
        running.pk,
        open_ended.pk,
        confirmed.pk,
    }
    assert not Allocation.objects.filter(
        booking__in=[late_pending, late_reserved], expires_at__isnull=False
    ).exists()

    assert bookings_expire_due(now=NOW + timedelta(minutes=5)) == [running.pk]
    assert bookings_expire_due(now=NOW + timedelta(minutes=5)) == []


def test_bookings_expire_due_after_booking_create_already_expired_a_hold(room):
    stale = existing(room, 10, status=BookingStatus.HOLD, expires_at=NOW - timedelta(minutes=1))
    booking_create(purpose="wedding", requests=[request(room, 10)], now=NOW)

    assert bookings_expire_due(now=NOW) == []
    stale.refresh_from_db()
    assert stale.status == BookingStatus.EXPIRED


# --- booking_set_status -----------------------------------------------------------------------


def held(room, hour=10, minutes=15):
    booking = booking_create(
        purpose="wedding",
        requests=[request(room, hour)],
        hold_for=timedelta(minutes=minutes),
        now=NOW,
    )
    return booking


def test_confirming_a_hold_removes_its_expiry(room):
    booking = booking_set_status(booking=held(room), status=BookingStatus.CONFIRMED, now=NOW)

    assert (booking.status, booking.expires_at) == (BookingStatus.CONFIRMED, None)
    allocation = booking.allocations.get()
    assert (allocation.active, allocation.expires_at) == (True, None)
    # Confirmed, it blocks long after the hold would have expired.
    assert "10:00" not in free_starts(room, now=NOW + timedelta(days=3))


def test_reserving_with_a_new_hold_time_extends_the_expiry(room):
    booking = booking_set_status(
        booking=held(room), status=BookingStatus.HOLD, hold_for=timedelta(days=2), now=NOW
    )

    assert (booking.status, booking.expires_at) == (BookingStatus.HOLD, NOW + timedelta(days=2))
    assert booking.allocations.get().expires_at == NOW + timedelta(days=2)
    assert "10:00" not in free_starts(room, now=NOW + timedelta(days=1))


def test_reserving_without_a_hold_time_keeps_the_expiry(room):
    booking = booking_set_status(booking=held(room), status=BookingStatus.HOLD, now=NOW)

    assert (booking.status, booking.expires_at) == (
        BookingStatus.HOLD,
        NOW + timedelta(minutes=15),
    )
    assert booking.allocations.get().expires_at == NOW + timedelta(minutes=15)


def test_cancelling_frees_the_time(room):
    booking = booking_create(
        purpose="wedding", requests=[request(room, 10)], status=BookingStatus.CONFIRMED, now=NOW
    )

    booking = booking_set_status(booking=booking, status=BookingStatus.CANCELLED, now=NOW)

    assert booking.status == BookingStatus.CANCELLED
    assert not booking.allocations.get().active
    assert "10:00" in free_starts(room)
    booking_create(purpose="wedding", requests=[request(room, 10)], now=NOW)


@pytest.mark.parametrize("status", [BookingStatus.CONFIRMED, BookingStatus.HOLD])
def test_an_expired_hold_cannot_be_revived(room, status):
    booking = held(room)
    later = NOW + timedelta(minutes=16)

    with pytest.raises(SlotUnavailable):
        booking_set_status(booking=booking, status=status, now=later)

    booking.refresh_from_db()
    assert booking.status in (BookingStatus.HOLD, BookingStatus.EXPIRED)
    assert booking.expires_at is None or booking.expires_at <= later
    assert "10:00" in free_starts(room, now=later)
    booking_create(purpose="wedding", requests=[request(room, 10)], now=later)


def test_cancelling_an_expired_hold_leaves_it_expired(room):
    booking = booking_set_status(
        booking=held(room), status=BookingStatus.CANCELLED, now=NOW + timedelta(minutes=16)
    )

    assert booking.status == BookingStatus.EXPIRED
    assert not booking.allocations.get().active


@pytest.mark.parametrize("lapse", ["cancelled", "expired-by-cleanup", "expired-by-next-booking"])
@pytest.mark.parametrize("new_status", [BookingStatus.CONFIRMED, BookingStatus.HOLD])
def test_a_lapsed_booking_cannot_be_revived_over_someone_elses(room, lapse, new_status):
    """Once the time has gone to someone else, no status change may bring the first one back."""
    first = held(room)
    later = NOW + timedelta(minutes=30)
    if lapse == "cancelled":
        booking_set_status(booking=first, status=BookingStatus.CANCELLED, now=NOW)
    elif lapse == "expired-by-cleanup":
        bookings_expire_due(now=later)
    second = booking_create(
        purpose="wedding", requests=[request(room, 10)], status=BookingStatus.CONFIRMED, now=later
    )

    with pytest.raises(SlotUnavailable):
        booking_set_status(booking=first, status=new_status, hold_for=timedelta(hours=1), now=later)

    assert_no_double_booking(now=later)
    assert second.allocations.get().active
    first.refresh_from_db()
    assert first.status in (BookingStatus.CANCELLED, BookingStatus.EXPIRED)


@pytest.mark.parametrize("lapsed", [BookingStatus.CANCELLED, BookingStatus.EXPIRED])
def test_a_lapsed_booking_stays_lapsed_even_while_its_time_is_free(room, lapsed):
    """Without the lock and the re-check a status change must not occupy time again."""
    first = existing(room, 10, status=lapsed)

    with pytest.raises(SlotUnavailable):
        booking_set_status(booking=first, status=BookingStatus.CONFIRMED, now=NOW)

    first.refresh_from_db()
    assert first.status == lapsed
    assert not first.allocations.get().active


# --- slots_free_between -----------------------------------------------------------------------


def test_slots_free_between_lists_several_resources_in_time_order(room, registrar):
    counter = ResourceFactory()
    WeeklyRuleFactory(
        resource=counter,
        weekday=0,
        start_time=time(9, 15),
        end_time=time(10, 15),
        slot_minutes=20,
        buffer_minutes=10,
    )
    existing(room, 9, 30)

    slots = slots_free_between(
        resource_ids=[room.id, counter.id, registrar.id], first=DAY, last=DAY, now=NOW
    )

    assert [(slot.resource_id, f"{slot.start.astimezone(BERLIN):%H:%M}") for slot in slots] == [
        (room.id, "09:00"),
        (counter.id, "09:15"),
        (counter.id, "09:45"),
        (room.id, "10:00"),
        (room.id, "10:30"),
        (room.id, "11:00"),
        (room.id, "11:30"),
    ]  # the registrar has a window, not slots


def test_slots_free_between_costs_the_same_few_queries_for_a_day_or_a_quarter(
    room, registrar, django_assert_num_queries
):
    for week in range(12):
        for hour in (9, 10, 11):
            existing(room, hour, day=DAY + timedelta(weeks=week))
    ClosureFactory(
        resource=None,
        start=at(0, day=DAY + timedelta(weeks=3)),
        end=at(0, day=DAY + timedelta(weeks=4)),
    )
    ids = [room.id, registrar.id]

    # Inside a test's transaction nothing is cached (rathaus/core/revision.py): the revision
    # check, rules, openings, closures and the bookings.
    with django_assert_num_queries(5):
        one_day = slots_free_between(resource_ids=ids, first=DAY, last=DAY, now=NOW)
    with django_assert_num_queries(5):
        quarter = slots_free_between(
            resource_ids=ids, first=DAY, last=DAY + timedelta(days=90), now=NOW
        )

    assert [f"{s.start.astimezone(BERLIN):%H:%M}" for s in one_day] == ["09:30", "10:30", "11:30"]
    # 13 Mondays: 3 free in each of weeks 0–11, all 6 in week 12, none in week 3 (closed)
    # nor in week 8 (29 March 2027, Easter Monday).
    assert len(quarter) == 3 * 10 + 6


# --- the door's one read: lapsed holds and clashes ----------------------------------------------


def test_one_read_tells_lapsed_holds_from_clashing_bookings(room, registrar):
    lapsed = existing(room, 9, status=BookingStatus.HOLD, expires_at=NOW - timedelta(minutes=1))
    held = existing(room, 10, status=BookingStatus.HOLD, expires_at=NOW + timedelta(hours=1))
    confirmed = existing(registrar, 11)
    existing(room, 11, status=BookingStatus.CANCELLED)  # inactive: neither
    elsewhere = existing(ResourceFactory(), 10)  # another resource: neither

    found_lapsed, clashing = allocations_lapsed_or_clashing(
        [(room.id, at(9), at(10, 30)), (registrar.id, at(10, 45), at(11, 15))], NOW
    )

    assert found_lapsed == {lapsed.id}  # lapsed even though it overlaps: it blocks nothing
    assert clashing == {held.id, confirmed.id}
    assert elsewhere.id not in found_lapsed | clashing


def test_a_lapsed_hold_on_the_resource_is_lapsed_wherever_it_lies(room):
    far = existing(room, 9, day=DAY + timedelta(weeks=5), status=BookingStatus.HOLD, expires_at=NOW)

    found_lapsed, clashing = allocations_lapsed_or_clashing([(room.id, at(9), at(9, 30))], NOW)

    assert (found_lapsed, clashing) == ({far.id}, set())
