"""Fixtures of the back-office tests: a small town built with the factories, one account per
role, reservations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from rathaus.accounts import roles
from rathaus.accounts.tests.factories import PASSWORD, StaffUserFactory
from rathaus.core.timezone import local_today
from rathaus.weddings.models import Registrar, Venue, VenueMembership
from rathaus.weddings.selectors import SlotFilter, ceremony_slots_free

from ..factories import ReservationFactory

__all__ = ["PASSWORD"]

_capture = None


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    global _capture
    _capture = django_capture_on_commit_callbacks


def committed():
    """Run what a block queues with transaction.on_commit (e-mails) as a real commit would."""
    return _capture(execute=True)


@pytest.fixture
def client(client):
    """A test client whose requests run their on-commit hooks, as after a real commit."""
    plain = client.request

    def request(**kwargs):
        with committed():
            return plain(**kwargs)

    client.request = request
    return client


def _user(username, role, first="Test", last="Person") -> User:
    return StaffUserFactory(username=username, first_name=first, last_name=last, roles=[role])


@pytest.fixture
def office(town) -> User:
    return _user("standesamt", roles.REGISTRY_OFFICE, "Sina", "Standesamt")


@pytest.fixture
def registrar_user(town) -> User:
    user = _user("standesbeamtin", roles.REGISTRAR, "Anna", "Schneider")
    Registrar.objects.filter(name="Anna Schneider").update(user=user)
    return user


@pytest.fixture
def beck_operator(town) -> User:
    user = _user("schlossbeck", roles.VENUE_OPERATOR, "Viktor", "Betreiber")
    VenueMembership.objects.create(user=user, venue=Venue.objects.get(slug="schloss-beck"))
    return user


@pytest.fixture
def juenger_operator(town) -> User:
    user = _user("hofjuenger", roles.VENUE_OPERATOR, "Hanna", "Hof")
    VenueMembership.objects.create(user=user, venue=Venue.objects.get(slug="hof-juenger"))
    return user


@pytest.fixture
def housing_staff(town) -> User:
    return _user("wohngeld", roles.HOUSING_BENEFIT_STAFF, "Wolf", "Wohngeld")


def free_slot(venue_slug: str, *, skip: int = 0, days_ahead: int = 40):
    venue = Venue.objects.get(slug=venue_slug)
    first = local_today() + timedelta(days=days_ahead)
    slots = ceremony_slots_free(
        first=first, last=first + timedelta(days=60), filters=SlotFilter(venues=[venue])
    )
    return slots[skip]


def reserve(venue_slug: str = "rathaus-trauzimmer", *, skip: int = 0, confirm_email=True, **kw):
    """A reservation made by a couple, confirmed by e-mail (status reserved) unless told not to."""
    with committed():
        return ReservationFactory(
            venue=Venue.objects.get(slug=venue_slug),
            skip=skip,
            days_ahead=kw.pop("days_ahead", 40),
            pending=not confirm_email,
            email=kw.pop("email", "paar@example.org"),
            **kw,
        )
