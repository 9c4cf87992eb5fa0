"""Fixtures of the waiting-list tests: a small town built with the factories, wishes in line,
reservations to cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rathaus.core.timezone import local_today
from rathaus.protection.testing import protection_off, rate_limits_off  # noqa: F401
from rathaus.weddings import services as weddings
from rathaus.weddings.models import Venue
from rathaus.weddings.selectors import SlotFilter, ceremony_slots_free
from rathaus.weddings.tests.factories import town as town_build
from rathaus.weddings.waitlist.models import Wish

from .factories import WishFactory

_capture = None
_line = {"n": 0}


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    global _capture
    _capture = django_capture_on_commit_callbacks


def committed():
    """Run what a block queues with transaction.on_commit (e-mails, the cancel hook)."""
    return _capture(execute=True)


@pytest.fixture
def town(db):
    """A small town built with the factories: what most tests need."""
    return town_build()


@pytest.fixture
def client(client):
    """A test client whose requests run their on-commit hooks, as after a real commit."""
    plain = client.request

    def request(**kwargs):
        with committed():
            return plain(**kwargs)

    client.request = request
    return client


def free_slots(slug="schloss-beck", *, weekday=5, days_ahead=40, span=60):
    venue = Venue.objects.get(slug=slug)
    first = local_today() + timedelta(days=days_ahead)
    return ceremony_slots_free(
        first=first,
        last=first + timedelta(days=span),
        filters=SlotFilter(venues=[venue], weekdays={weekday}),
    )


def reserve(slot, email="andere@example.org"):
    """Another couple reserves and confirms the slot."""
    with committed():
        created = weddings.reservation_create(
            request=weddings.ReservationRequest(
                venue=slot.venue,
                start=slot.start,
                partners=(weddings.Partner("Anna", "Andere"), weddings.Partner("Ben", "Andere")),
                email=email,
                guests=10,
                language="de",
            )
        )
        return weddings.reservation_confirm_email(
            reservation=created.reservation, token=created.confirm_token
        )


def wish_for(slot=None, *, confirm=True, email=None, **criteria) -> Wish:
    """A wish, by default for exactly the slot's day, venue and time of day; confirmed in line."""
    _line["n"] += 1
    extra = {"email": email} if email else {}
    with committed():
        return WishFactory(slot=slot, confirm=confirm, position=_line["n"], **extra, **criteria)
