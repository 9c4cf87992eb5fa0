"""The writes of the scheduling core: bookings (the booking door) and availability."""

from .bookings import (
    AllocationRequest,
    BookingDoor,
    BookingItem,
    booking_create,
    booking_door,
    booking_move,
    booking_set_status,
    bookings_expire_due,
)
from .identity_limit import (
    IdentityLimit,
    booking_identity_replace,
    identity_active_count,
    identity_active_counts,
)

__all__ = [
    "AllocationRequest",
    "BookingDoor",
    "BookingItem",
    "IdentityLimit",
    "booking_create",
    "booking_door",
    "booking_identity_replace",
    "booking_move",
    "booking_set_status",
    "bookings_expire_due",
    "identity_active_count",
    "identity_active_counts",
]
from .availability import *  # noqa: F403  (closures, weekly rules, extra openings)
