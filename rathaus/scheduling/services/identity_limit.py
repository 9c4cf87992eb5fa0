"""At most N active bookings for one person: the per-identity limit of the booking door.

The domain computes the person's normalised keys (weddings: the e-mail address and the couple);
the core stores them with each booking (`BookingIdentity`) and counts by them. Simultaneous
requests of one person are counted one after the other: on PostgreSQL behind transaction-scoped
advisory locks on the hashed keys, taken in ascending order (no deadlock between two requests);
on SQLite the IMMEDIATE transaction already serialises every writer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from rathaus.core import sql

from ..constants import ACTIVE_STATUSES
from ..exceptions import IdentityLimitReached
from ..models import BookingIdentity


@dataclass(frozen=True)
class IdentityLimit:
    """Who a booking is for (`keys`, stored with it) and how many active bookings those keys may
    have (`limit`; None or 0 = no limit, the keys are stored all the same)."""

    keys: Sequence[str]
    limit: int | None = None
    # A limit of its own per key, counted for that key alone (an appointment: at most 2 per
    # person, at most 3 per e-mail address); keys not named here count only under `limit`.
    key_limits: Mapping[str, int] = field(default_factory=dict)


def identity_lock_ids(keys: Sequence[str]) -> list[int]:
    """64-bit advisory-lock ids of the keys, in ascending order."""
    return sorted(
        {
            int.from_bytes(
                hashlib.sha256(f"booking-identity\x1f{key}".encode()).digest()[:8],
                "big",
                signed=True,
            )
            for key in keys
        }
    )


# One statement on every attempt. The bookings of the keys are collected first (ARRAY of an
# indexed lookup, evaluated once) and only then matched by primary key: a join here let a plan
# prepared while the tables were nearly empty nest one scan inside the other, which cost 8 ms
# per attempt once they had filled (bench/rush.py); this shape stays linear whatever the plan.
# SQLite has no arrays; its planner takes the subquery first by itself.
_ACTIVE_FOR_KEYS = """
SELECT COUNT(*) FROM scheduling_booking b
WHERE b.id {bookings_of_keys}
  AND b.status IN ({statuses}) AND b."end" > %s AND (b.expires_at IS NULL OR b.expires_at > %s)
"""
_BOOKINGS_OF_KEYS = "SELECT booking_id FROM scheduling_bookingidentity WHERE key IN ({keys})"
_MATCH = {"postgresql": "= ANY (ARRAY({select}))", "sqlite": "IN ({select})"}


def identity_active_count(*, keys: Sequence[str], now: datetime) -> int:
    """Active bookings of any of the keys that have not ended. A hold past its expiry does not
    count, whether or not a job or the booking door has marked it expired yet."""
    keys = sorted(set(keys))
    if not keys:
        return 0
    match = _MATCH[connection.vendor].format(select=_BOOKINGS_OF_KEYS)
    query = _ACTIVE_FOR_KEYS.replace("{bookings_of_keys}", match)
    found = sql.rows(
        sql.with_lists(query, keys=len(keys), statuses=len(ACTIVE_STATUSES)),
        [*keys, *ACTIVE_STATUSES, now, now],
    )
    return int(found[0][0])


_COUNTS_FOR_KEYS = """
SELECT i.key, COUNT(*) FROM scheduling_bookingidentity i
JOIN scheduling_booking b ON b.id = i.booking_id
WHERE i.key IN ({keys})
  AND b.status IN ({statuses}) AND b."end" > %s AND (b.expires_at IS NULL OR b.expires_at > %s)
GROUP BY i.key
"""
_COUNTS_CHUNK = 2000


def identity_active_counts(*, keys: Sequence[str], now: datetime) -> dict[str, int]:
    """Active bookings per key (keys without any are left out), counted as
    `identity_active_count` counts one key; for a caller that books many at once."""
    keys = sorted(set(keys))
    counts: dict[str, int] = {}
    for offset in range(0, len(keys), _COUNTS_CHUNK):
        chunk = keys[offset : offset + _COUNTS_CHUNK]
        query = sql.with_lists(_COUNTS_FOR_KEYS, keys=len(chunk), statuses=len(ACTIVE_STATUSES))
        for key, count in sql.rows(query, [*chunk, *ACTIVE_STATUSES, now, now]):
            counts[str(key)] = int(count)
    return counts


def identity_lock(keys: Sequence[str]) -> None:
    """Wait for every other transaction holding one of these keys (PostgreSQL; SQLite's
    IMMEDIATE transaction has serialised all writers already)."""
    if connection.vendor == "postgresql":
        lock_ids = identity_lock_ids(keys)
        calls = ", ".join(["pg_advisory_xact_lock(%s)"] * len(lock_ids))
        sql.rows(f"SELECT {calls}", lock_ids)  # evaluated left to right: ascending order


def identity_limit_enforce(identity: IdentityLimit, now: datetime) -> None:
    """Lock the identity's keys, then refuse when it already has `limit` active bookings.
    Runs first inside the booking door's transaction."""
    if not identity.keys or not (identity.limit or identity.key_limits):
        return
    identity_lock(identity.keys)
    for key, limit in sorted(identity.key_limits.items()):
        if identity_active_count(keys=[key], now=now) >= limit:
            raise IdentityLimitReached(limit=limit, key=key)
    if identity.limit and identity_active_count(keys=identity.keys, now=now) >= identity.limit:
        raise IdentityLimitReached(limit=identity.limit)


def booking_identity_replace(*, booking_id: int, keys: Sequence[str]) -> None:
    """The booking is for someone else now (edited or erased personal data): its keys follow."""
    BookingIdentity.objects.filter(booking_id=booking_id).exclude(key__in=list(keys)).delete()
    known = set(BookingIdentity.objects.filter(booking_id=booking_id).values_list("key", flat=True))
    BookingIdentity.objects.bulk_create(
        [BookingIdentity(booking_id=booking_id, key=key) for key in set(keys) - known]
    )
