"""The writes of the scheduling core: bookings (the booking door) and availability."""

from .bookings import (
    AllocationRequest,
    booking_create,
    booking_move,
    booking_set_status,
    bookings_expire_due,
)

__all__ = [
    "AllocationRequest",
    "booking_create",
    "booking_move",
    "booking_set_status",
    "bookings_expire_due",
]
from .availability import *  # noqa: F403  (closures, weekly rules, extra openings)
