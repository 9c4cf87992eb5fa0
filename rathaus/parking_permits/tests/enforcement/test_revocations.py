"""The revocation list the app keeps offline: a revoked or replaced permit is on it at once,
and drops out once its printed validity (plus the grace) has passed."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from rathaus.parking_permits.constants import EndReason
from rathaus.parking_permits.enforcement.selectors import revocation_list
from rathaus.parking_permits.models import Permit
from rathaus.parking_permits.services.permits import permit_revoke

from .conftest import BERLIN, NOW, permit

pytestmark = pytest.mark.django_db
URL = "/kontrolle/sperrliste.json"


def test_a_revoked_permit_is_on_the_list_at_once(client, officer, application, zone):
    kept = permit(application, zone, plate="BOT-A 1", number="BOT-ZZZZZZ")
    revoked = permit(application, zone, plate="BOT-A 2", number="BOT-BBBBBB")
    replaced = permit(application, zone, plate="BOT-A 3", number="BOT-AAAAAA")
    moving = permit(
        application, zone, plate="BOT-A 4", number="BOT-CCCCCC", ends_on=date(2027, 4, 30)
    )
    with time_machine.travel(NOW, tick=False):
        assert client.get(URL).json()["revoked"] == ""
        permit_revoke(permit=revoked, actor=None, now=timezone.now())
        Permit.objects.filter(pk=replaced.pk).update(
            revoked_at=timezone.now(), end_reason=EndReason.REPLACED
        )
        answer = client.get(URL)
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    data = answer.json()
    assert data["revoked"] == "AAAAAABBBBBB"  # sorted, without separators
    assert data["ends"] == {"CCCCCC": "2027-04-30"}
    assert data["format"] == 1 and data["permit_prefix"] == "BOT-" and data["width"] == 6
    assert data["generated_at"] == "2027-03-10T10:00:00+01:00"
    assert data["zones"]["brauerstrasse"] == {"name": "Brauerstraße", "grace_minutes": 30}
    assert kept.number[4:] not in data["revoked"]
    assert moving.number[4:] not in data["revoked"]


def test_an_expired_permit_drops_out_after_the_grace(application, zone):
    permit(
        application,
        zone,
        number="BOT-DDDDDD",
        valid_until=date(2027, 3, 9),
        revoked_at=NOW - timedelta(days=30),
    )
    permit(application, zone, number="BOT-EEEEEE", ends_on=date(2027, 3, 9))  # moved out
    at_grace_end = revocation_list(now=datetime(2027, 3, 10, 0, 30, tzinfo=BERLIN))
    assert at_grace_end["revoked"] == "DDDDDD"
    assert at_grace_end["ends"] == {"EEEEEE": "2027-03-09"}
    after = revocation_list(now=datetime(2027, 3, 10, 0, 31, tzinfo=BERLIN))
    # the moved-out permit still shows "valid until 31.12." on paper: now on the list
    assert after["revoked"] == "EEEEEE"
    assert after["ends"] == {}
    next_year = revocation_list(now=datetime(2028, 1, 1, 0, 31, tzinfo=BERLIN))
    assert next_year["revoked"] == "" and next_year["ends"] == {}


def test_the_list_of_ten_thousand_revoked_permits_is_under_100_kb(application, zone):
    from rathaus.core.references import ALPHABET

    numbers = {
        f"BOT-{i:06d}".translate(str.maketrans("0123456789", ALPHABET[:10])) for i in range(10_000)
    }
    base = permit(application, zone, revoked_at=NOW)
    Permit.objects.bulk_create(
        [
            Permit(
                number=n,
                application=application,
                zone=zone,
                plate="BOT-A 1",
                valid_from=base.valid_from,
                valid_until=base.valid_until,
                amount=0,
                key_id="t",
                code="",
                issued_at=NOW,
                revoked_at=NOW,
            )
            for n in numbers
        ]
    )
    data = revocation_list(now=NOW)
    body = json.dumps(data, separators=(",", ":")).encode()
    assert len(data["revoked"]) == 6 * 10_001
    assert len(body) < 100_000
    assert len(gzip.compress(body)) < len(body)


def test_only_officers_with_the_second_factor_get_the_list(client, application, zone):
    from rathaus.accounts import roles

    from .conftest import staff, verified

    anonymous = client.get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    client.force_login(staff("parken", roles.PARKING_OFFICE))
    refused = client.get(URL)
    assert refused.status_code == 403 and "error" in refused.json()
    officer = staff("kontrolle", roles.TRAFFIC_ENFORCEMENT)
    client.force_login(officer)
    no_totp = client.get(URL)
    assert no_totp.status_code == 302
    assert no_totp["Location"].startswith("/login/zwei-faktor/?next=")
    verified(client, officer)
    assert client.get(URL).status_code == 200
