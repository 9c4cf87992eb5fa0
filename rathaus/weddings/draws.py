"""Which wedding days a draw hands out instead of first come, first served: the lottery app
reports them here (registered in its `AppConfig.ready()`), so that the Traukalender's release
gate and free-slot search take them as data without importing the lottery."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

# (first, last, now) -> the days in [first, last] whose slots still go to a draw
DrawDaysProvider = Callable[[date, date, datetime], set[date]]

draw_days_providers: list[DrawDaysProvider] = []


def draw_days_provider_register(provider: DrawDaysProvider) -> None:
    if provider not in draw_days_providers:
        draw_days_providers.append(provider)


def draw_days_blocked(first: date, last: date, now: datetime) -> set[date]:
    """Days in [first, last] not open to direct reservation because a draw is still to come."""
    days: set[date] = set()
    for provider in draw_days_providers:
        days |= provider(first, last, now)
    return days
