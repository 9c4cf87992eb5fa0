"""When a day becomes bookable: a general release policy for every domain.

A day D opens at the policy's daily `release_time` on the day `horizon_months` before D (with
12 months and 08:00, 07.07.2027 opens on 07.07.2026 at 08:00), and no sooner than `lead_days`
before it is too late. Days handled by a draw (the weddings' lottery) are passed in as data by
the domain: the core does not know why they are drawn, only that they are not open directly.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from rathaus.core.timezone import BERLIN, local_datetime

NOT_RELEASED = "not_released"
BY_DRAW = "draw"


@dataclass(frozen=True)
class ReleasePolicy:
    horizon_months: int
    release_time: time
    lead_days: int = 0


def release_moment(day: date, policy: ReleasePolicy) -> datetime:
    return local_datetime(day - relativedelta(months=policy.horizon_months), policy.release_time)


def last_released_day(policy: ReleasePolicy, now: datetime) -> date:
    """The latest date whose release moment has passed."""
    # Month arithmetic clips (29 Feb − 12 months = 28 Feb), so start a little beyond.
    candidate: date = now.astimezone(BERLIN).date() + relativedelta(
        months=policy.horizon_months, days=3
    )
    while release_moment(candidate, policy) > now:
        candidate -= timedelta(days=1)
    return candidate


def next_release(policy: ReleasePolicy, now: datetime) -> tuple[date, datetime]:
    """The next date to open, and when it opens."""
    day = last_released_day(policy, now) + timedelta(days=1)
    return day, release_moment(day, policy)


def bookable_range(policy: ReleasePolicy, now: datetime) -> tuple[date, date]:
    """First and last day that may be booked now (lead time, release)."""
    today = now.astimezone(BERLIN).date()
    return today + timedelta(days=policy.lead_days), last_released_day(policy, now)


@dataclass(frozen=True)
class DayGate:
    open: bool
    reason: str = ""  # NOT_RELEASED or BY_DRAW
    opens_at: datetime | None = None


def day_gate(
    day: date, policy: ReleasePolicy, now: datetime, *, draw_days: Set[date] = frozenset()
) -> DayGate:
    """May `day` be booked directly right now? `draw_days`: days whose times a draw hands out."""
    opens_at = release_moment(day, policy)
    if now < opens_at:
        return DayGate(False, NOT_RELEASED, opens_at)
    if day in draw_days:
        return DayGate(False, BY_DRAW)
    return DayGate(True)
