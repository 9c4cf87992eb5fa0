"""The only code that writes bookings: the booking door. See docs/scheduling.md.

Discipline: one durable transaction; the per-identity lock first (`IdentityLimit`), then the
resource rows in id order (PostgreSQL; SQLite's IMMEDIATE transactions already serialise
writers); expire stale holds on those resources; re-check against rules and bookings; write.
On PostgreSQL the exclusion constraint on `Allocation` is the last line of defence, and its
violation becomes the same `SlotUnavailable`.

The domain enters the door and writes its own rows inside it, in the same transaction; the
core never calls back into a domain:

    with booking_door(resource_ids=[...], now=now, identity=IdentityLimit(...)) as door:
        booking = door.book([...], purpose="wedding", hold_for=timedelta(hours=2))
        ...  # the domain's own rows
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from rathaus.core import sql
from rathaus.core.timezone import BERLIN

from .. import engine
from ..constants import ACTIVE_STATUSES, HOLD_STATUSES, BookingStatus
from ..exceptions import SlotNotOffered, SlotUnavailable
from ..models import Allocation, Booking, BookingIdentity
from ..pool import PoolStrategy, pool_order
from ..selectors import allocations_lapsed_or_clashing, calendars_between, holds_expired
from .identity_limit import IdentityLimit, identity_limit_enforce


@dataclass(frozen=True)
class AllocationRequest:
    resource_id: int
    start: datetime
    end: datetime
    must_be_offered: bool = True  # a slot (or window) of the resource must cover it


@dataclass(frozen=True)
class BookingItem:
    """One booking of `book_many`: its allocations and the identity keys stored with it."""

    requests: Sequence[AllocationRequest]
    keys: Sequence[str] = ()


# Ranges per clash query of `book_many` (each range costs three parameters).
_CLASH_CHUNK = 300


_LOCK = "SELECT id FROM scheduling_resource WHERE id IN ({ids}) ORDER BY id FOR UPDATE"


def _is_overlap_violation(error: IntegrityError) -> bool:
    return "alloc_no_overlap" in str(error) or "exclusion" in str(error).lower()


class BookingDoor:
    """What may be done inside `booking_door`: book, book one of several, move."""

    def __init__(
        self, resource_ids: list[int], now: datetime, identity: IdentityLimit | None
    ) -> None:
        self.resource_ids = resource_ids
        self.now = now
        self.identity = identity

    def book(
        self,
        requests: Sequence[AllocationRequest],
        *,
        purpose: str,
        status: str = BookingStatus.HOLD,
        hold_for: timedelta | None = None,
        expires_at: datetime | None = None,
    ) -> Booking:
        """Book all requested resources or none; a hold expires after `hold_for` (or at
        `expires_at`). Raises SlotUnavailable or SlotNotOffered."""
        requests = list(requests)
        self._require_locked(requests)
        if not requests or min(r.start for r in requests) <= self.now:
            raise SlotNotOffered()
        if status in HOLD_STATUSES:
            expires_at = self.now + hold_for if hold_for else expires_at
        else:
            expires_at = None
        _check_free(requests, self.now)
        booking = Booking(
            purpose=purpose,
            status=status,
            expires_at=expires_at,
            start=min(r.start for r in requests),
            end=max(r.end for r in requests),
        )
        sql.insert(booking)
        sql.insert_many(_allocations(booking, requests, expires_at))
        if self.identity and self.identity.keys:
            sql.insert_many(
                [BookingIdentity(booking=booking, key=key) for key in set(self.identity.keys)]
            )
        return booking

    def book_one_of(
        self,
        candidates: Sequence[Sequence[AllocationRequest]],
        *,
        purpose: str,
        status: str = BookingStatus.HOLD,
        hold_for: timedelta | None = None,
        expires_at: datetime | None = None,
    ) -> tuple[int, Booking]:
        """Book the first of the alternative request sets that is free, in the given order
        (see `pool_order` for choosing it); returns its index and the booking.

        Raises SlotUnavailable when none is free, SlotNotOffered when none is even offered.
        """
        not_offered = True
        for index, requests in enumerate(candidates):
            # A refused attempt has written nothing but the expiry of lapsed holds, which
            # stands anyway: no savepoint needed. (Under the door's locks the exclusion
            # constraint cannot fire for a clash the check has passed.)
            try:
                booking = self.book(
                    requests,
                    purpose=purpose,
                    status=status,
                    hold_for=hold_for,
                    expires_at=expires_at,
                )
            except SlotNotOffered:
                continue
            except SlotUnavailable:
                not_offered = False
                continue
            return index, booking
        raise SlotNotOffered() if not_offered and candidates else SlotUnavailable()

    def book_from_pool(
        self,
        resource_ids: Sequence[int],
        start: datetime,
        end: datetime,
        *,
        purpose: str,
        strategy: PoolStrategy = "preferred",
        status: str = BookingStatus.HOLD,
        hold_for: timedelta | None = None,
        with_requests: Sequence[AllocationRequest] = (),
    ) -> tuple[int, Booking]:
        """Any one resource of a pool for [start, end), in the strategy's order (`pool.py`);
        `with_requests` are booked together with it. Returns the chosen resource and booking."""
        order = pool_order(resource_ids, start, end, strategy=strategy, now=self.now)
        index, booking = self.book_one_of(
            [[*with_requests, AllocationRequest(resource_id, start, end)] for resource_id in order],
            purpose=purpose,
            status=status,
            hold_for=hold_for,
        )
        return order[index], booking

    def book_many(
        self,
        items: Sequence[BookingItem],
        *,
        purpose: str,
        status: str = BookingStatus.CONFIRMED,
        hold_for: timedelta | None = None,
    ) -> list[Booking]:
        """Book every item or none, in one go: for a caller that has computed many bookings
        from one read under this door's locks (the citizen office's same-day draw).

        The same guarantee as `book`, checked for all items at once: no two items overlap on
        a resource, none clashes with an active booking, every range is offered, and on
        PostgreSQL the exclusion constraint stays the last line of defence. Identity keys are
        stored with each booking; limits are the caller's to count (`identity_active_counts`)
        under the door's locks. Raises SlotUnavailable or SlotNotOffered; then nothing is
        written but the expiry of lapsed holds."""
        items = list(items)
        if not items:
            return []
        every = [request for item in items for request in item.requests]
        self._require_locked(every)
        if any(not item.requests for item in items) or min(r.start for r in every) <= self.now:
            raise SlotNotOffered()
        expires_at = self.now + hold_for if status in HOLD_STATUSES and hold_for else None
        _check_no_self_overlap(every)
        for offset in range(0, len(every), _CLASH_CHUNK):
            chunk = every[offset : offset + _CLASH_CHUNK]
            lapsed, clashing = allocations_lapsed_or_clashing(
                [(r.resource_id, r.start, r.end) for r in chunk], self.now
            )
            _expire(lapsed)
            if clashing:
                raise SlotUnavailable()
        _check_offered(every, self.now)
        bookings = [
            Booking(
                purpose=purpose,
                status=status,
                expires_at=expires_at,
                start=min(r.start for r in item.requests),
                end=max(r.end for r in item.requests),
            )
            for item in items
        ]
        sql.insert_batches(bookings, returning=True)
        sql.insert_batches(
            [
                allocation
                for booking, item in zip(bookings, items, strict=True)
                for allocation in _allocations(booking, list(item.requests), expires_at)
            ]
        )
        sql.insert_batches(
            [
                BookingIdentity(booking=booking, key=key)
                for booking, item in zip(bookings, items, strict=True)
                for key in sorted(set(item.keys))
            ]
        )
        return bookings

    def move(self, *, booking: Booking, requests: Sequence[AllocationRequest]) -> Booking:
        """Replace an active booking's allocations with new ones, under the same guarantee."""
        requests = list(requests)
        self._require_locked(requests)
        if not requests or min(r.start for r in requests) <= self.now:
            raise SlotNotOffered()
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status not in ACTIVE_STATUSES or (
            booking.expires_at and booking.expires_at <= self.now
        ):
            raise SlotUnavailable()
        _check_free(requests, self.now, ignore_booking_id=booking.pk)
        booking.allocations.all().delete()
        sql.insert_many(_allocations(booking, requests, booking.expires_at))
        booking.start = min(r.start for r in requests)
        booking.end = max(r.end for r in requests)
        booking.save(update_fields=["start", "end", "updated_at"])
        return booking

    def _require_locked(self, requests: Sequence[AllocationRequest]) -> None:
        if not {r.resource_id for r in requests} <= set(self.resource_ids):
            raise ValueError("every resource booked must be named when the door is opened")


@contextmanager
def booking_door(
    *,
    resource_ids: Iterable[int],
    now: datetime | None = None,
    identity: IdentityLimit | None = None,
    supersede_booking_ids: Iterable[int] = (),
) -> Iterator[BookingDoor]:
    """Open the durable booking transaction: the identity's lock and limit first, then the
    resources in id order. Everything done inside commits together or not at all.

    `supersede_booking_ids` names cancelled bookings still in quarantine (see
    `booking_set_status`) whose time may be taken over, e.g. by the waiting list.

    Raises IdentityLimitReached (the domain words the message), SlotUnavailable, SlotNotOffered.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic(durable=True):
            if identity:
                identity_limit_enforce(identity, now)
            ids = sorted(set(resource_ids))
            if ids and connection.features.has_select_for_update:  # SQLite: BEGIN IMMEDIATE
                sql.rows(sql.with_lists(_LOCK, ids=len(ids)), ids)
            _quarantine_end(supersede_booking_ids)
            yield BookingDoor(ids, now, identity)
    except IntegrityError as error:
        if _is_overlap_violation(error):
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


def _set_status(bookings: QuerySet[Booking], status: str, expires_at: datetime | None) -> int:
    ids = list(bookings.values_list("id", flat=True))
    Booking.objects.filter(id__in=ids).update(status=status, expires_at=expires_at)
    Allocation.objects.filter(booking_id__in=ids).update(
        active=status in ACTIVE_STATUSES, expires_at=expires_at
    )
    return len(ids)


def _check_free(
    requests: list[AllocationRequest], now: datetime, ignore_booking_id: int | None = None
) -> None:
    """Expire what has lapsed on the requested resources, then refuse a clash or a time the
    resource does not offer. Runs under the lock of `booking_door`."""
    _check_no_self_overlap(requests)
    if any(request.start >= request.end for request in requests):
        raise SlotNotOffered()
    lapsed, clashing = allocations_lapsed_or_clashing(
        [(r.resource_id, r.start, r.end) for r in requests], now
    )
    _expire(lapsed)
    if clashing - {ignore_booking_id}:
        raise SlotUnavailable()
    _check_offered(requests, now)


def _check_offered(requests: list[AllocationRequest], now: datetime) -> None:
    """Refuse a range its resource does not offer (rules, openings, closures)."""
    offered = [request for request in requests if request.must_be_offered]
    if not offered:
        return
    first = min(r.start for r in offered).astimezone(BERLIN).date()
    last = max(r.end for r in offered).astimezone(BERLIN).date()
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


def _allocations(
    booking: Booking, requests: list[AllocationRequest], expires_at: datetime | None
) -> list[Allocation]:
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
    status: str = BookingStatus.HOLD,
    hold_for: timedelta | None = None,
    now: datetime | None = None,
    supersede_booking_ids: Iterable[int] = (),
    identity: IdentityLimit | None = None,
) -> Booking:
    """A booking with nothing of the domain's beside it: the door, entered for one `book`."""
    with booking_door(
        resource_ids=[r.resource_id for r in requests],
        now=now,
        identity=identity,
        supersede_booking_ids=supersede_booking_ids,
    ) as door:
        return door.book(requests, purpose=purpose, status=status, hold_for=hold_for)


def booking_set_status(
    *,
    booking: Booking,
    status: str,
    hold_for: timedelta | None = None,
    now: datetime | None = None,
    quarantine_for: timedelta | None = None,
) -> Booking:
    """Move a booking to another status; a hold that has already expired cannot be revived.

    A hold set to a hold again with `hold_for` gets the new expiry (e.g. a short hold that
    becomes provisional until a deadline). Cancelling with `quarantine_for` keeps the cancelled
    time blocked for that long, so that a slot cannot be handed to an accomplice by cancelling
    it at an agreed moment.
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
) -> Booking:
    """Replace a booking's allocations with new ones: the door, entered for one `move`."""
    old_ids = list(booking.allocations.values_list("resource_id", flat=True))
    with booking_door(resource_ids=[*old_ids, *(r.resource_id for r in requests)], now=now) as door:
        return door.move(booking=booking, requests=requests)


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
