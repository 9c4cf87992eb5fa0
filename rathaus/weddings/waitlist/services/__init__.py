"""Writes of the waiting list: wishes (create, opt-in, withdraw, erase), offers (make, decline,
settle) and the scheduled jobs (the sweep, the retention).

An offer is a pending reservation made through
`weddings.services.reservation_create_for_waitlist_offer`, so the
scheduling core holds the slot for it under its usual locks and constraint: an offer for a
slot that is not free cannot come into being. The offer row is claimed first (at most one open
offer per wish, a constraint), then the reservation is made; a failed reservation removes the
claim again.

One package: `wishes.py`, `offers.py`, `jobs.py`, and `endings.py` (ending a wish, shared by
the other three); the public names are re-exported here.
"""

from ..constants import OPTIN_VALID_DAYS
from .endings import wish_end
from .jobs import waitlist_match, wishes_end_due, wishes_erase_due
from .offers import (
    DECLINE_REASON,
    OFFER_MAIL,
    WITHDRAW_REASON,
    Outcome,
    offer_decline,
    offer_hours,
    offer_make,
    offer_settle,
    waitlist_slot_freed,
)
from .wishes import (
    OptInExpired,
    WishRequest,
    wish_confirm,
    wish_create,
    wish_erase,
    wish_mail,
    wish_window,
    wish_withdraw,
)

__all__ = [
    "DECLINE_REASON",
    "OFFER_MAIL",
    "OPTIN_VALID_DAYS",
    "WITHDRAW_REASON",
    "OptInExpired",
    "Outcome",
    "WishRequest",
    "offer_decline",
    "offer_hours",
    "offer_make",
    "offer_settle",
    "waitlist_match",
    "waitlist_slot_freed",
    "wish_confirm",
    "wish_create",
    "wish_end",
    "wish_erase",
    "wish_mail",
    "wish_window",
    "wish_withdraw",
    "wishes_end_due",
    "wishes_erase_due",
]
