"""Twenty people press "book" for the same wedding slot at the same moment (PostgreSQL).

Following pretix's concurrency tests, the controls come first in spirit: without the lock and
without the exclusion constraint, the plain check-then-insert really does double-book; with the
constraint alone the database refuses the second row. Then the service: exactly one booking
wins, every other caller gets a clean SlotUnavailable, with or without the constraint.
"""

from __future__ import annotations

import importlib
import time as clock
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection, transaction

from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling.constants import BookingStatus, SlotMode
from rathaus.scheduling.exceptions import SlotUnavailable
from rathaus.scheduling.models import Allocation, Booking, BookingIdentity
from rathaus.scheduling.selectors import active_allocations_q, allocations_overlapping
from rathaus.scheduling.services import (
    AllocationRequest,
    IdentityLimit,
    booking_create,
    bookings_expire_due,
    identity_limit,
)
from rathaus.scheduling.services import bookings as services

from .concurrency import race, tally
from .factories import ResourceFactory, WeeklyRuleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20
DAY = date(2027, 6, 4)  # a Friday, no holiday
NOW = datetime(2027, 5, 3, 9, 0, tzinfo=BERLIN)
START = local_datetime(DAY, time(11))
END = START + timedelta(minutes=30)

no_overlap_migration = importlib.import_module(
    "rathaus.scheduling.migrations.0002_allocation_no_overlap_postgres"
)


def constraint_present() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'alloc_no_overlap'")
        return cursor.fetchone()[0] == 1


@pytest.fixture
def without_constraint():
    """Drop the exclusion constraint for one test and put it back exactly as migration 0002 does."""
    assert constraint_present()
    with connection.cursor() as cursor:
        cursor.execute(no_overlap_migration.DROP)
    assert not constraint_present()
    try:
        yield
    finally:
        Allocation.objects.update(active=False)  # the double bookings the test made
        with connection.cursor() as cursor:
            cursor.execute(no_overlap_migration.CREATE)
        assert constraint_present()


@pytest.fixture
def room():
    room = ResourceFactory(slug="trausaal")
    WeeklyRuleFactory(resource=room, weekday=DAY.weekday(), start_time=time(10), end_time=time(13))
    return room


@pytest.fixture
def registrar():
    registrar = ResourceFactory(slug="standesbeamter")
    WeeklyRuleFactory(
        resource=registrar,
        weekday=DAY.weekday(),
        start_time=time(8),
        end_time=time(16),
        slot_mode=SlotMode.WINDOW,
    )
    return registrar


def active_allocations(resource) -> int:
    return Allocation.objects.filter(active_allocations_q(NOW), resource=resource).count()


def check_then_insert(resource):
    """The naive booking: look, wait for everyone else to have looked, then write. No lock."""

    def work(index, barrier):
        with transaction.atomic():
            seen = allocations_overlapping(
                resource_ids=[resource.id], start=START, end=END, now=NOW
            ).exists()
            barrier.wait()  # every thread has checked before any of them inserts
            if seen:
                raise SlotUnavailable()
            booking = Booking.objects.create(
                purpose=f"naive {index}", status=BookingStatus.CONFIRMED, start=START, end=END
            )
            Allocation.objects.create(booking=booking, resource=resource, start=START, end=END)
            return booking.pk

    return work


def book(requests, *, barrier_first=True):
    def work(index, barrier):
        if barrier_first:
            barrier.wait()
        booking = booking_create(
            purpose=f"wedding {index}",
            requests=requests(index),
            status=BookingStatus.CONFIRMED,
            now=NOW,
        )
        return booking.pk

    return work


@pytest.fixture
def slow_check(monkeypatch):
    """Widen the window between the re-check and the insert, as a slow request would."""
    check = services._check_free

    def checked_slowly(*args, **kwargs):
        check(*args, **kwargs)
        clock.sleep(0.05)

    monkeypatch.setattr(services, "_check_free", checked_slowly)


# --- controls: the race is real, and the constraint alone stops it ---------------------------


def test_control_without_lock_and_constraint_the_slot_is_booked_many_times(
    room, without_constraint
):
    outcomes = race(THREADS, check_then_insert(room))

    assert tally(outcomes)["ok"] > 1, tally(outcomes)
    assert tally(outcomes)["ok"] == THREADS  # every thread saw a free slot, every one wrote
    assert active_allocations(room) == THREADS


def test_control_without_lock_the_constraint_alone_refuses_the_second_booking(room):
    outcomes = race(THREADS, check_then_insert(room))

    errors = [str(outcome.error) for outcome in outcomes if outcome.error]
    # Without the lock, waiting inserts can also wait on each other; PostgreSQL then breaks
    # the cycle with "deadlock detected". Either way the loser is refused by the database.
    refused_by_constraint = [e for e in errors if "alloc_no_overlap" in e]
    deadlocks = [e for e in errors if "deadlock detected" in e]
    assert tally(outcomes)["ok"] == 1, errors
    assert len(refused_by_constraint) + len(deadlocks) == THREADS - 1, errors
    assert refused_by_constraint, errors
    assert active_allocations(room) == 1
    assert Booking.objects.count() == 1  # the losers' bookings were rolled back with them


# --- the service ------------------------------------------------------------------------------


def test_twenty_people_book_the_same_slot_exactly_one_wins(room, slow_check):
    outcomes = race(THREADS, book(lambda i: [AllocationRequest(room.id, START, END)]))

    assert tally(outcomes) == {"ok": 1, "SlotUnavailable": THREADS - 1}
    [winner] = [outcome.value for outcome in outcomes if outcome.error is None]
    assert list(Allocation.objects.filter(active=True).values_list("booking_id", flat=True)) == [
        winner
    ]
    assert list(Booking.objects.values_list("pk", flat=True)) == [winner]


def test_the_lock_alone_keeps_the_guarantee_without_the_constraint(
    room, without_constraint, slow_check
):
    outcomes = race(THREADS, book(lambda i: [AllocationRequest(room.id, START, END)]))

    assert tally(outcomes) == {"ok": 1, "SlotUnavailable": THREADS - 1}
    assert active_allocations(room) == 1


def test_overlapping_but_different_times_on_a_window_resource_exactly_one_wins(
    registrar, without_constraint, slow_check
):
    """Every request covers 11:45, each with its own start; the lock, not equality, decides."""

    def requests(index):
        start = local_datetime(DAY, time(10)) + timedelta(minutes=5 * index)
        return [AllocationRequest(registrar.id, start, start + timedelta(minutes=120))]

    outcomes = race(THREADS, book(requests))

    assert tally(outcomes) == {"ok": 1, "SlotUnavailable": THREADS - 1}
    assert active_allocations(registrar) == 1


def test_weddings_naming_room_and_registrar_in_either_order_do_not_deadlock(
    room, registrar, without_constraint, slow_check
):
    def requests(index):
        both = [
            AllocationRequest(room.id, START, END),
            AllocationRequest(
                registrar.id, START - timedelta(minutes=15), END + timedelta(minutes=15)
            ),
        ]
        return both if index % 2 else both[::-1]

    outcomes = race(THREADS, book(requests))

    assert tally(outcomes) == {"ok": 1, "SlotUnavailable": THREADS - 1}
    assert active_allocations(room) == 1
    assert active_allocations(registrar) == 1
    [winner] = Booking.objects.all()
    assert winner.allocations.count() == 2


def test_different_slots_of_the_same_room_are_all_booked(room):
    """The lock serialises, it does not refuse: six different slots, six bookings."""
    slots = [local_datetime(DAY, time(10)) + timedelta(minutes=30 * k) for k in range(6)]

    outcomes = race(
        len(slots),
        book(lambda i: [AllocationRequest(room.id, slots[i], slots[i] + timedelta(minutes=30))]),
    )

    assert tally(outcomes) == {"ok": len(slots)}
    assert active_allocations(room) == len(slots)


def test_a_race_for_a_slot_held_by_an_expired_hold_still_has_one_winner(room, slow_check):
    """The stale hold is expired inside the locked transaction; the constraint never fires."""
    stale = Booking.objects.create(
        purpose="stale",
        status=BookingStatus.HOLD,
        start=START,
        end=END,
        expires_at=NOW - timedelta(minutes=1),
    )
    Allocation.objects.create(
        booking=stale, resource=room, start=START, end=END, expires_at=stale.expires_at
    )

    outcomes = race(THREADS, book(lambda i: [AllocationRequest(room.id, START, END)]))

    assert tally(outcomes) == {"ok": 1, "SlotUnavailable": THREADS - 1}
    assert active_allocations(room) == 1
    stale.refresh_from_db()
    assert stale.status == BookingStatus.EXPIRED


def test_clean_ups_running_at_once_expire_each_hold_exactly_once(room):
    holds = []
    for k in range(30):
        start = local_datetime(DAY, time(10)) + timedelta(minutes=5 * k)
        hold = Booking.objects.create(
            purpose=f"hold {k}",
            status=BookingStatus.HOLD,
            start=start,
            end=start + timedelta(minutes=5),
            expires_at=NOW - timedelta(minutes=k),
        )
        Allocation.objects.create(
            booking=hold, resource=room, start=hold.start, end=hold.end, expires_at=hold.expires_at
        )
        holds.append(hold.pk)

    def work(index, barrier):
        barrier.wait()
        return bookings_expire_due(now=NOW)

    outcomes = race(8, work)

    assert tally(outcomes) == {"ok": 8}
    expired = [pk for outcome in outcomes for pk in outcome.value]
    assert sorted(expired) == sorted(holds)  # every hold once, none twice
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.EXPIRED}
    assert not Allocation.objects.filter(active=True).exists()


# --- the per-identity limit -------------------------------------------------------------------


def book_as_one_person(limit: int):
    """Each thread books a different slot of the registrar's window for the same person."""

    def work(index, barrier):
        barrier.wait()
        start = local_datetime(DAY, time(8)) + timedelta(minutes=30 * index)
        booking = booking_create(
            purpose=f"visit {index}",
            requests=[AllocationRequest(registrar_id(), start, start + timedelta(minutes=30))],
            status=BookingStatus.CONFIRMED,
            now=NOW,
            identity=IdentityLimit(keys=["email:anna@example.org", "couple:anna|ben"], limit=limit),
        )
        return booking.pk

    return work


def registrar_id() -> int:
    return ResourceFactory._meta.model.objects.get(slug="standesbeamter").pk


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the window between the count and the insert, as a slow request would."""
    count = identity_limit.identity_active_count

    def counted_slowly(**kwargs):
        found = count(**kwargs)
        clock.sleep(0.05)
        return found

    monkeypatch.setattr(identity_limit, "identity_active_count", counted_slowly)


def test_control_without_the_identity_lock_one_person_exceeds_the_limit(
    registrar, slow_count, monkeypatch
):
    monkeypatch.setattr(identity_limit, "identity_lock", lambda keys: None)

    outcomes = race(8, book_as_one_person(limit=2))

    assert tally(outcomes)["ok"] > 2, tally(outcomes)


def test_one_person_racing_for_eight_slots_gets_exactly_the_limit(registrar, slow_count):
    outcomes = race(8, book_as_one_person(limit=2))

    assert tally(outcomes) == {"ok": 2, "IdentityLimitReached": 6}
    assert BookingIdentity.objects.values("booking").distinct().count() == 2
