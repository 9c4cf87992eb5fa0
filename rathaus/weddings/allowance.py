"""The daily allowance of reservations per e-mail address (RATHAUS_RATE_LIMIT_SUBMIT_EMAIL).

Only what a bot gains from uses it up: a reservation attempt takes one unit before the
service runs (atomic, so parallel requests cannot overdraw it) and gives it back when no slot
was held – a full venue, a slot taken meanwhile, the per-couple limit. The address is counted
in its normalised form (identity.py), so plus-tags and dots do not open a fresh allowance.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext, ngettext

from rathaus.protection.conf import Rule, rate_limits_on, rule
from rathaus.protection.exceptions import Throttled
from rathaus.protection.limiter import bucket_hit, bucket_refund

from .identity import email_key

SCOPE = "weddings.reservation"
KIND = "email"


class AllowanceUsed(Throttled):
    """The address has used its allowance; the message says what the limit is."""

    def __init__(self, retry_after: int, limit: Rule):
        super().__init__(retry_after)
        self.limit = limit

    @property
    def message(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        if minutes >= 120:
            hours = math.ceil(minutes / 60)
            again = ngettext(
                "This address can reserve again in %(count)d hour.",
                "This address can reserve again in %(count)d hours.",
                hours,
            ) % {"count": hours}
        else:
            again = ngettext(
                "This address can reserve again in %(count)d minute.",
                "This address can reserve again in %(count)d minutes.",
                minutes,
            ) % {"count": minutes}
        return f"{allowance_text(self.limit)} {again}"


def allowance_text(limit: Rule) -> str:
    """'Each e-mail address can reserve at most 3 dates per day.' (or per N hours)."""
    if limit.seconds % 86400 == 0:
        days = limit.seconds // 86400
        if days == 1:
            return ngettext(
                "Each e-mail address can reserve at most %(count)d date per day.",
                "Each e-mail address can reserve at most %(count)d dates per day.",
                limit.limit,
            ) % {"count": limit.limit}
        return gettext(
            "Each e-mail address can reserve at most %(count)d dates in %(days)d days."
        ) % {"count": limit.limit, "days": days}
    hours = max(1, limit.seconds // 3600)
    return gettext(
        "Each e-mail address can reserve at most %(count)d dates in %(hours)d hours."
    ) % {"count": limit.limit, "hours": hours}


def allowance_rule() -> Rule | None:
    """The allowance in force, or None when rate limits are off."""
    return rule("SUBMIT_EMAIL") if rate_limits_on() else None


def allowance_take(email: str) -> None:
    """Use one unit of the address's allowance; raises AllowanceUsed when none is left."""
    limit = allowance_rule()
    if limit is None:
        return
    count, seconds_left = bucket_hit(scope=SCOPE, kind=KIND, identity=email_key(email), rule=limit)
    if count > limit.limit:
        bucket_refund(scope=SCOPE, kind=KIND, identity=email_key(email), rule=limit)
        raise AllowanceUsed(seconds_left, limit)


def allowance_return(email: str) -> None:
    """Give the unit back: the attempt held no slot."""
    limit = allowance_rule()
    if limit is not None:
        bucket_refund(scope=SCOPE, kind=KIND, identity=email_key(email), rule=limit)
