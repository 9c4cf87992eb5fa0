"""Fixtures of the lottery tests: Bottrop's data, a lottery open right now on a date with
enough free times, and helpers to apply, confirm and draw."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from rathaus.core.timezone import local_today
from rathaus.protection.testing import protection_off, rate_limits_off  # noqa: F401
from rathaus.weddings.bootstrap import bottrop_data_load
from rathaus.weddings.dates import is_high_demand
from rathaus.weddings.lottery import pure_draw, services
from rathaus.weddings.lottery.constants import LotterySource
from rathaus.weddings.lottery.models import Application, Lottery
from rathaus.weddings.lottery.slots import lottery_slots_offered
from rathaus.weddings.models import Venue
from rathaus.weddings.selectors import ceremony_slots_free
from rathaus.weddings.services import Partner
from rathaus.weddings.tests.factories import town as town_build

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


@pytest.fixture
def bottrop(db):
    """Bottrop's real data: only for the integration tests that prove it works."""
    bottrop_data_load(today=local_today())


def lottery_day(min_slots: int = 4):
    """A date 40–120 days ahead, not a Schnapszahl date, with at least `min_slots` free times."""
    first = local_today() + timedelta(days=40)
    slots = ceremony_slots_free(first=first, last=first + timedelta(days=80))
    by_day: dict = {}
    for slot in slots:
        by_day.setdefault(slot.day, []).append(slot)
    for day, day_slots in sorted(by_day.items()):
        if not is_high_demand(day) and len(day_slots) >= min_slots:
            return day
    raise AssertionError("no suitable day in the demo data")


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
    day = day or lottery_day()
    now = timezone.now()
    seed = secrets.token_bytes(32).hex()
    opens_at = opens_at or now - timedelta(hours=1)
    return Lottery.objects.create(
        day=day,
        source=LotterySource.STAFF,
        commitment_shown_at=min(opens_at, now) - timedelta(minutes=1),
        opens_at=opens_at,
        closes_at=now + timedelta(days=days_open),
        seed=seed,
        seed_commitment=pure_draw.seed_commitment(seed),
    )


@pytest.fixture
def lottery(bottrop) -> Lottery:
    return lottery_open()


def slots_of(lottery: Lottery):
    return lottery_slots_offered(lottery, timezone.now())


COUPLES = [
    (("Çağla", "Öztürk"), ("Luca", "D'Amato")),
    (("Anna", "Schmidt"), ("Ben", "Schmidt")),
    (("Mia", "Nowak"), ("Lea", "Kowalski")),
    (("Jonas", "Weber"), ("Emma", "Fischer")),
    (("Noah", "Wagner"), ("Sofia", "Becker")),
    (("Elias", "Hoffmann"), ("Marie", "Schulz")),
    (("Paul", "Koch"), ("Hannah", "Richter")),
    (("Finn", "Klein"), ("Lina", "Wolf")),
]


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
    (g1, f1), (g2, f2) = COUPLES[couple]
    with committed():
        application = services.application_submit(
            lottery=lottery,
            request=services.ApplicationRequest(
                partners=(Partner(g1, f1), Partner(g2, f2)),
                email=email or f"paar{couple}@example.org",
                guests=guests,
                language="de",
                preferences=tuple((slot.venue, slot.start) for slot in preferences),
            ),
            now=now,
        )
        if confirm:
            application = services.application_confirm_email(
                application=application, token=application.confirm_token, now=now
            )
    return application


def close(lottery: Lottery) -> datetime:
    """End the application window; the moment just after the close."""
    lottery.closes_at = timezone.now()
    lottery.save(update_fields=["closes_at"])
    return lottery.closes_at


def venue(slug: str) -> Venue:
    return Venue.objects.get(slug=slug)
