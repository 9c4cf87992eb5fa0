"""When a wedding date becomes reservable online.

A date D opens at `release_time` (default 08:00) on the day `horizon_months` before D: with
the defaults, 07.07.2027 opens on 07.07.2026 at 08:00. High-demand dates are not opened that
way at all: they go to a lottery first (rathaus/weddings/lottery), and what is left after the
draw is reservable like any other date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from rathaus.core.timezone import BERLIN, local_datetime

from .models import ReservationPolicy


def release_moment(day: date, policy: ReservationPolicy) -> datetime:
    return local_datetime(day - relativedelta(months=policy.horizon_months), policy.release_time)


def last_released_day(policy: ReservationPolicy, now: datetime) -> date:
    """The latest date whose release moment has passed."""
    # Month arithmetic clips (29 Feb − 12 months = 28 Feb), so start a little beyond.
    candidate = now.astimezone(BERLIN).date() + relativedelta(months=policy.horizon_months, days=3)
    while release_moment(candidate, policy) > now:
        candidate -= timedelta(days=1)
    return candidate


def next_release(policy: ReservationPolicy, now: datetime) -> tuple[date, datetime]:
    """The next date to open, and when it opens."""
    day = last_released_day(policy, now) + timedelta(days=1)
    return day, release_moment(day, policy)


@dataclass(frozen=True)
class DayGate:
    open: bool
    reason: str = ""  # "not_released" or "lottery"
    opens_at: datetime | None = None


def day_gate(day: date, policy: ReservationPolicy, now: datetime) -> DayGate:
    """May couples reserve `day` directly right now?"""
    from .lottery.selectors import lottery_blocks_day

    opens_at = release_moment(day, policy)
    if now < opens_at:
        return DayGate(False, "not_released", opens_at)
    if lottery_blocks_day(day, now):
        return DayGate(False, "lottery")
    return DayGate(True)
