"""Fixtures of the lottery tests: a small town built with the factories, a lottery open right
now on a date with enough free times, and helpers to apply, confirm and draw."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from rathaus.protection.testing import protection_off, rate_limits_off  # noqa: F401
from rathaus.weddings.lottery.models import Application, Lottery
from rathaus.weddings.lottery.slots import lottery_slots_offered
from rathaus.weddings.models import Venue
from rathaus.weddings.tests.factories import COUPLES  # noqa: F401 (tests import it from here)
from rathaus.weddings.tests.factories import town as town_build

from .factories import ApplicationFactory, LotteryFactory, lottery_day

_capture = None


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    global _capture
    _capture = django_capture_on_commit_callbacks


def committed():
    """Run what a block queues with transaction.on_commit (e-mails) as a real commit would."""
    return _capture(execute=True)


@pytest.fixture
def town(db):
    """A small town built with the factories: what most tests need."""
    return town_build()


def schnapszahl_ceremony_day(year: int):
    """The first day-equals-month date of `year` on which ceremonies take place (a Sunday such
    as 9.9.2029 has none, and so no lottery)."""
    from datetime import date

    from rathaus.weddings.lottery.slots import ceremony_days

    for month in range(2, 12):
        day = date(year, month, month)
        if day in ceremony_days(day, day):
            return day
    raise AssertionError("no Schnapszahl date with ceremonies")


def lottery_open(day=None, *, opens_at: datetime | None = None, days_open: int = 7) -> Lottery:
    """A staff lottery whose window is open now."""
    extra = {"opens_at": opens_at} if opens_at else {}
    return LotteryFactory(day=day or lottery_day(), days_open=days_open, **extra)


@pytest.fixture
def lottery(town) -> Lottery:
    return lottery_open()


def slots_of(lottery: Lottery):
    return lottery_slots_offered(lottery, timezone.now())


def apply(
    lottery: Lottery,
    preferences,
    *,
    couple: int = 0,
    email: str | None = None,
    guests: int = 10,
    confirm: bool = True,
    now: datetime | None = None,
) -> Application:
    """An application through the services, confirmed by e-mail unless told not to."""
    with committed():
        return ApplicationFactory(
            lottery=lottery,
            preferences=preferences,
            couple=couple,
            email=email or f"paar{couple}@example.org",
            guests=guests,
            email_confirmed=confirm,
            now=now,
        )


def close(lottery: Lottery) -> datetime:
    """End the application window; the moment just after the close."""
    lottery.closes_at = timezone.now()
    lottery.save(update_fields=["closes_at"])
    return lottery.closes_at


def venue(slug: str) -> Venue:
    return Venue.objects.get(slug=slug)
