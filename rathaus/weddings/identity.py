"""The couple's identity for the per-couple limit: the core's normalised names and addresses
(rathaus/core/identity.py) combined into the keys the booking door counts.

Changing these rules changes the stored keys: a data migration must recompute them.
"""

from __future__ import annotations

from rathaus.core.identity import email_key, name_key

__all__ = ["booking_identity_keys", "couple_key", "email_key", "name_key"]


def couple_key(given1: str, family1: str, given2: str, family2: str) -> str:
    """The two partners' names in a fixed order: the same couple whichever partner is first.
    '' when every name is empty (an erased reservation)."""
    names = [(name_key(given1), name_key(family1)), (name_key(given2), name_key(family2))]
    if not any(part for pair in names for part in pair):
        return ""
    return "\x1e".join(sorted(f"{given}\x1f{family}" for given, family in names))


def booking_identity_keys(email_normalised: str, couple_normalised: str) -> list[str]:
    """The keys the booking door stores and counts (`scheduling.IdentityLimit`): the address
    and the couple, prefixed so that the two can never match each other. Empty keys (an erased
    reservation) are left out."""
    return [
        f"{kind}:{key}"
        for kind, key in (
            ("wedding-email", email_normalised),
            ("wedding-couple", couple_normalised),
        )
        if key
    ]
