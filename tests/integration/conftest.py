"""Fixtures of the whole-platform tests: Bottrop's data, staff accounts, reservations of two
couples, the switches of the bot protection."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.appointments.bootstrap import citizen_office_load
from rathaus.core.timezone import local_today
from rathaus.protection.testing import protection_off, rate_limits_off  # noqa: F401 - fixtures
from rathaus.weddings import services
from rathaus.weddings.bootstrap import bottrop_data_load
from rathaus.weddings.models import Venue
from rathaus.weddings.selectors import SlotFilter, ceremony_slots_free

PASSWORD = "Richtig-Geheim-2027"
COUPLE = "paar@example.org"
OTHER = "andere@example.org"


@pytest.fixture
def bottrop(db):
    bottrop_data_load(today=local_today())
    citizen_office_load(today=local_today())


@pytest.fixture
def make_reservation(bottrop, django_capture_on_commit_callbacks):
    """make_reservation(email=…, skip=…): a reservation confirmed by e-mail (status reserved)."""

    def make(*, email=COUPLE, skip=0, confirm_email=True, days_ahead=40, **extra):
        venue = Venue.objects.get(slug=extra.pop("venue_slug", "rathaus-trauzimmer"))
        first = local_today() + timedelta(days=days_ahead)
        slot = ceremony_slots_free(
            first=first, last=first + timedelta(days=60), filters=SlotFilter(venues=[venue])
        )[skip]
        with django_capture_on_commit_callbacks(execute=True):
            created = services.reservation_create(
                request=services.ReservationRequest(
                    venue=slot.venue,
                    start=slot.start,
                    partners=(
                        services.Partner("Çağla", "Öztürk"),
                        services.Partner("Luca", "D'Amato"),
                    ),
                    email=email,
                    phone=extra.pop("phone", "02041 555123"),
                    guests=10,
                    language="de",
                    note=extra.pop("note", "Wir bringen einen Hund mit."),
                )
            )
            reservation = created.reservation
            if confirm_email:
                reservation = services.reservation_confirm_email(
                    reservation=reservation, token=created.confirm_token
                )
        return reservation

    return make


def _staff(username: str, role: str | None, **extra):
    roles_ensure()
    user, _ = staff_user_ensure(
        username=username,
        password=PASSWORD,
        first_name=extra.get("first", "Test"),
        last_name=extra.get("last", "Person"),
        role=role,
    )
    return user


@pytest.fixture
def office(db):
    return _staff("standesamt", roles.REGISTRY_OFFICE, first="Sina", last="Standesamt")


@pytest.fixture
def citizen_admin(db):
    return _staff("buergeramt", roles.CITIZEN_OFFICE_ADMIN)


@pytest.fixture
def staff_factory(db):
    return _staff
