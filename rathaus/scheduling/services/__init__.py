"""The writes of the scheduling core: bookings (the booking door) and availability."""

from .bookings import (
    AllocationRequest,
    BookingDoor,
    booking_create,
    booking_door,
    booking_move,
    booking_set_status,
    bookings_expire_due,
)
from .identity_limit import IdentityLimit, booking_identity_replace, identity_active_count

__all__ = [
    "AllocationRequest",
    "BookingDoor",
    "IdentityLimit",
    "booking_create",
    "booking_door",
    "booking_identity_replace",
    "booking_move",
    "booking_set_status",
    "bookings_expire_due",
    "identity_active_count",
]
from .availability import *  # noqa: F403  (closures, weekly rules, extra openings)
