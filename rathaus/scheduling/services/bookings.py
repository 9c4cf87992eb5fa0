"""The only code that writes bookings. Every write goes through `_locked`: see docs/scheduling.md.

Discipline: one durable transaction; lock the resource rows in id order (PostgreSQL; SQLite's
IMMEDIATE transactions already serialise writers); expire stale holds on those resources;
re-check against rules and bookings; write. On PostgreSQL the exclusion constraint on
`Allocation` is the last line of defence, and its violation becomes the same `SlotUnavailable`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import TypeVar

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from rathaus.core import sql

from .. import engine
from ..constants import ACTIVE_STATUSES, HOLD_STATUSES, BookingStatus
from ..exceptions import SlotNotOffered, SlotUnavailable
from ..models import Allocation, Booking
from ..selectors import allocations_lapsed_or_clashing, calendars_between, holds_expired

T = TypeVar("T")


@dataclass(frozen=True)
class AllocationRequest:
    resource_id: int
    start: datetime
    end: datetime
    must_be_offered: bool = True  # a slot (or window) of the resource must cover it


_LOCK = "SELECT id FROM scheduling_resource WHERE id IN ({ids}) ORDER BY id FOR UPDATE"


@contextmanager
def _locked(resource_ids: Iterable[int], before: Callable[[], None] | None = None):
    """Open the durable booking transaction, run `before`, lock the resources in a fixed order."""
    try:
        with transaction.atomic(durable=True):
            if before:
                before()
            ids = sorted(set(resource_ids))
            if connection.features.has_select_for_update:  # SQLite: BEGIN IMMEDIATE locked
                sql.rows(sql.with_lists(_LOCK, ids=len(ids)), ids)
            yield ids
    except IntegrityError as error:
        if "alloc_no_overlap" in str(error) or "exclusion" in str(error).lower():
            raise SlotUnavailable() from error
        raise


def _expire(booking_ids: set[int]) -> None:
    """Free what no longer blocks: holds past their expiry, and quarantines that have ended."""
    if booking_ids:
        holds = Booking.objects.filter(id__in=booking_ids, status__in=HOLD_STATUSES)
        _set_status(holds, BookingStatus.EXPIRED, None)
        _quarantine_end(booking_ids)


def _quarantine_end(booking_ids: Iterable[int]) -> None:
    """A cancelled booking's allocations stop blocking (its quarantine is over or superseded)."""
    booking_ids = list(booking_ids)
    if booking_ids:
        Allocation.objects.filter(
            booking_id__in=booking_ids, booking__status=BookingStatus.CANCELLED, active=True
        ).update(active=False, expires_at=None)


def _set_status(bookings, status: str, expires_at: datetime | None) -> int:
    ids = list(bookings.values_list("id", flat=True))
    Booking.objects.filter(id__in=ids).update(status=status, expires_at=expires_at)
    Allocation.objects.filter(booking_id__in=ids).update(
        active=status in ACTIVE_STATUSES, expires_at=expires_at
    )
    return len(ids)


def _check_free(requests: list[AllocationRequest], now: datetime, ignore_booking_id=None) -> None:
    """Expire what has lapsed on the requested resources, then refuse a clash or a time the
    resource does not offer. Runs under the lock of `_locked`."""
    _check_no_self_overlap(requests)
    if any(request.start >= request.end for request in requests):
        raise SlotNotOffered()
    lapsed, clashing = allocations_lapsed_or_clashing(
        [(r.resource_id, r.start, r.end) for r in requests], now
    )
    _expire(lapsed)
    if clashing - {ignore_booking_id}:
        raise SlotUnavailable()
    offered = [request for request in requests if request.must_be_offered]
    if not offered:
        return
    first = min(r.start for r in offered).astimezone(engine.BERLIN).date()
    last = max(r.end for r in offered).astimezone(engine.BERLIN).date()
    calendars = {
        calendar.resource_id: calendar
        for calendar in calendars_between(
            [r.resource_id for r in offered],
            first,
            last,
            now=now,
            include_bookings=False,  # checked just above
        )
    }
    for request in offered:
        calendar = calendars[request.resource_id]
        start, end = engine.epoch(request.start), engine.epoch(request.end)
        if not engine.slot_is_offered(calendar, start, end):
            raise SlotNotOffered()
        # Bookings were left out, so what blocks here is a closure.
        if engine.overlaps_blocked(calendar, start, end):
            raise SlotNotOffered()


def _check_no_self_overlap(requests: list[AllocationRequest]) -> None:
    """One booking may not hold one resource twice at overlapping times either."""
    by_resource: dict[int, list[AllocationRequest]] = {}
    for request in requests:
        by_resource.setdefault(request.resource_id, []).append(request)
    for same in by_resource.values():
        same.sort(key=lambda r: r.start)
        if any(later.start < earlier.end for earlier, later in pairwise(same)):
            raise SlotUnavailable()


def _allocations(booking: Booking, requests: list[AllocationRequest], expires_at) -> list:
    return [
        Allocation(
            booking=booking,
            resource_id=r.resource_id,
            start=r.start,
            end=r.end,
            active=True,
            expires_at=expires_at,
        )
        for r in requests
    ]


def booking_create(
    *,
    purpose: str,
    requests: list[AllocationRequest],
    status: str = BookingStatus.PENDING,
    hold_for: timedelta | None = None,
    now: datetime | None = None,
    attach: Callable[[Booking], T] | None = None,
    supersede_booking_ids: Iterable[int] = (),
    before: Callable[[], None] | None = None,
) -> tuple[Booking, T | None]:
    """Book all requested resources or none. `attach` runs inside the same transaction.

    `before` runs first in the transaction, before any resource is locked: for the caller's own
    locks and checks (the Traukalender's per-couple limit), which then cannot be held up by, or
    hold up, the resource locks.

    `supersede_booking_ids` names cancelled bookings still in quarantine (see
    `booking_set_status`) whose time this booking may take over, e.g. for the waiting list.

    Raises SlotUnavailable when any resource is held for an overlapping time, SlotNotOffered
    when the time is not one the resource offers (no rule, closed, holiday, in the past).
    """
    now = now or timezone.now()
    if not requests:
        raise SlotNotOffered()
    if min(r.start for r in requests) <= now:
        raise SlotNotOffered()
    expires_at = now + hold_for if hold_for and status in HOLD_STATUSES else None
    with _locked((r.resource_id for r in requests), before):
        _quarantine_end(supersede_booking_ids)
        _check_free(requests, now)
        booking = sql.insert(
            Booking(
                purpose=purpose,
                status=status,
                expires_at=expires_at,
                start=min(r.start for r in requests),
                end=max(r.end for r in requests),
            )
        )
        sql.insert_many(_allocations(booking, requests, expires_at))
        attached = attach(booking) if attach else None
    return booking, attached


def booking_set_status(
    *,
    booking: Booking,
    status: str,
    hold_for: timedelta | None = None,
    now: datetime | None = None,
    quarantine_for: timedelta | None = None,
) -> Booking:
    """Move a booking to another status; a hold that has already expired cannot be revived.

    Cancelling with `quarantine_for` keeps the cancelled time blocked for that long, so that a
    slot cannot be handed to an accomplice by cancelling it at an agreed moment.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status in HOLD_STATUSES and booking.expires_at and booking.expires_at <= now:
            _set_status(Booking.objects.filter(pk=booking.pk), BookingStatus.EXPIRED, None)
            booking.refresh_from_db()
            if status in ACTIVE_STATUSES:
                raise SlotUnavailable()
            return booking
        if booking.status not in ACTIVE_STATUSES and status in ACTIVE_STATUSES:
            raise SlotUnavailable()  # its time may be someone else's by now: book anew instead
        expires_at = now + hold_for if hold_for and status in HOLD_STATUSES else None
        if status in HOLD_STATUSES and hold_for is None:
            expires_at = booking.expires_at
        _set_status(Booking.objects.filter(pk=booking.pk), status, expires_at)
        if status == BookingStatus.CANCELLED and quarantine_for:
            Allocation.objects.filter(booking_id=booking.pk).update(
                active=True, expires_at=now + quarantine_for
            )
        booking.refresh_from_db()
        return booking


def booking_move(
    *,
    booking: Booking,
    requests: list[AllocationRequest],
    now: datetime | None = None,
    attach: Callable[[Booking], object] | None = None,
) -> Booking:
    """Replace a booking's allocations with new ones, under the same guarantee.

    `attach` runs inside the same transaction after the move, for the domain's own rows.
    """
    now = now or timezone.now()
    if not requests or min(r.start for r in requests) <= now:
        raise SlotNotOffered()
    old_ids = list(booking.allocations.values_list("resource_id", flat=True))
    with _locked([*old_ids, *(r.resource_id for r in requests)]):
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status not in ACTIVE_STATUSES or (
            booking.expires_at and booking.expires_at <= now
        ):
            raise SlotUnavailable()
        _check_free(requests, now, ignore_booking_id=booking.pk)
        booking.allocations.all().delete()
        sql.insert_many(_allocations(booking, requests, booking.expires_at))
        booking.start = min(r.start for r in requests)
        booking.end = max(r.end for r in requests)
        booking.save(update_fields=["start", "end", "updated_at"])
        if attach:
            attach(booking)
    return booking


def bookings_expire_due(*, now: datetime | None = None) -> list[int]:
    """Mark every hold past its expiry as expired and end quarantines that are over.

    Idempotent; safe to run concurrently. Returns the ids of the holds it expired.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = holds_expired(now).select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True))
        _set_status(Booking.objects.filter(id__in=ids), BookingStatus.EXPIRED, None)
        Allocation.objects.filter(
            booking__status=BookingStatus.CANCELLED, active=True, expires_at__lte=now
        ).update(active=False, expires_at=None)
    return ids
