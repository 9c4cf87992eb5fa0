"""Officers with a confirmed authenticator, the data-protection officer, permits on plates."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.core.references import reference_draw
from rathaus.parking_permits.constants import PERMIT_PREFIX, PermitKind
from rathaus.parking_permits.models import Permit, Zone
from rathaus.parking_permits.tests import factories as f
from rathaus.protection.testing import protection_off, rate_limits_off  # noqa: F401

BERLIN = timezone.get_default_timezone()
NOW = datetime(2027, 3, 10, 10, 0, tzinfo=BERLIN)
HOLDER = ("Erika", "Musterfrau-Geheim")


def staff(username: str, role: str | None):
    roles_ensure()
    user, _ = staff_user_ensure(
        username=username,
        password="x-Very-Long-Password-1",
        first_name="Otto",
        last_name=username.capitalize(),
        role=role,
    )
    return user


def verified(client, user):
    """Signed in and past the TOTP step, as after the code was typed."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture(autouse=True)
def _long_sessions(settings):
    """The tests move the clock by hours; the staff session limits are not what they test."""
    settings.RATHAUS_STAFF_SESSION_IDLE_MINUTES = 60 * 24 * 7
    settings.RATHAUS_STAFF_SESSION_ABSOLUTE_HOURS = 24 * 7


@pytest.fixture
def clock():
    """The clock stands at NOW; a test may travel on from there (less than a week)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def officer(client, clock):
    user = staff("kontrolle", roles.TRAFFIC_ENFORCEMENT)
    verified(client, user)
    return user


@pytest.fixture
def zone():
    zone = Zone.objects.get(slug="brauerstrasse")
    zone.grace_minutes = 30
    zone.save()
    return zone


@pytest.fixture
def other_zone():
    return Zone.objects.get(slug="osterfelder-strasse")


@pytest.fixture
def application():
    return f.submit(given=HOLDER[0], family=HOLDER[1], now=NOW)


def permit(
    application,
    zone,
    *,
    plate="BOT-A 1",
    kind=PermitKind.RESIDENT,
    valid_from=date(2027, 1, 1),
    valid_until=date(2027, 12, 31),
    revoked_at=None,
    ends_on=None,
    number=None,
):
    return Permit.objects.create(
        number=number or reference_draw(PERMIT_PREFIX, length=6),
        kind=kind,
        application=application,
        zone=zone,
        plate=plate,
        valid_from=valid_from,
        valid_until=valid_until,
        amount=0,
        key_id="test",
        code="BP1.test.x.y",
        issued_at=NOW,
        revoked_at=revoked_at,
        ends_on=ends_on,
    )
