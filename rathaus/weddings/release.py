"""When a wedding date becomes reservable online: the scheduling core's release policy
(`rathaus/scheduling/release.py`) with the reservation policy's values.

A date D opens at `release_time` (default 08:00) on the day `horizon_months` before D: with
the defaults, 07.07.2027 opens on 07.07.2026 at 08:00. High-demand dates are not opened that
way at all: they go to a lottery first (rathaus/weddings/lottery, which reports its days through
`draws.py`), and what is left after the draw is reservable like any other date.
"""

from __future__ import annotations

from datetime import date, datetime

from rathaus.scheduling import release as core

from .draws import draw_days_blocked
from .models import ReservationPolicy

DayGate = core.DayGate


def release_policy(policy: ReservationPolicy) -> core.ReleasePolicy:
    return core.ReleasePolicy(
        horizon_months=policy.horizon_months,
        release_time=policy.release_time,
        lead_days=policy.min_lead_days,
    )


def release_moment(day: date, policy: ReservationPolicy) -> datetime:
    return core.release_moment(day, release_policy(policy))


def last_released_day(policy: ReservationPolicy, now: datetime) -> date:
    """The latest date whose release moment has passed."""
    return core.last_released_day(release_policy(policy), now)


def next_release(policy: ReservationPolicy, now: datetime) -> tuple[date, datetime]:
    """The next date to open, and when it opens."""
    return core.next_release(release_policy(policy), now)


def bookable_range(policy: ReservationPolicy, now: datetime) -> tuple[date, date]:
    """First and last day couples may reserve now (lead time, release window)."""
    return core.bookable_range(release_policy(policy), now)


def day_gate(day: date, policy: ReservationPolicy, now: datetime) -> core.DayGate:
    """May couples reserve `day` directly right now? (Not on a lottery day before its draw.)"""
    gate = core.day_gate(day, release_policy(policy), now)
    if not gate.open:
        return gate
    return core.day_gate(
        day, release_policy(policy), now, draw_days=draw_days_blocked(day, day, now)
    )
