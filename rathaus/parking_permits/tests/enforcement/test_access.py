"""Who may open what: the officer (with the TOTP second factor, always), the data-protection
officer the log, nobody else; and the retention of the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rathaus.accounts import roles
from rathaus.core.jobs import jobs_registered, jobs_run
from rathaus.parking_permits.enforcement.models import LookupLog, LookupTally
from rathaus.parking_permits.enforcement.services import lookup_record

from .conftest import BERLIN, NOW, staff, verified

pytestmark = pytest.mark.django_db
LOG = "/kontrolle/protokoll/"
PAGES = ("/kontrolle/kennzeichen/", LOG)


def test_an_officer_without_a_second_factor_is_sent_to_set_one_up(client, settings):
    settings.RATHAUS_STAFF_OTP_REQUIRED = False  # required here whatever the setting says
    officer = staff("kontrolle", roles.TRAFFIC_ENFORCEMENT)
    client.force_login(officer)
    page = client.get("/kontrolle/kennzeichen/")
    assert page.status_code == 302
    assert page["Location"] == "/login/zwei-faktor/?next=%2Fkontrolle%2Fkennzeichen%2F"
    setup = client.get(page["Location"], follow=True)
    assert setup.redirect_chain[-1][0].startswith("/login/zwei-faktor/einrichten/")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    done = client.post(
        "/login/zwei-faktor/einrichten/", {"token": code, "next": "/kontrolle/kennzeichen/"}
    )
    assert done["Location"] == "/kontrolle/kennzeichen/"
    assert client.get("/kontrolle/kennzeichen/").status_code == 200
    api = client.post("/kontrolle/api/kennzeichen/", {"kennzeichen": "BOT-A 1"})
    assert api.status_code == 200


def test_the_log_is_for_the_data_protection_officer_only(client):
    lookup_record(officer=None, plate="BOT-LOG 7", zone_id=None, allowed=False, now=NOW)
    for username, role in (
        ("kontrolle", roles.TRAFFIC_ENFORCEMENT),
        ("parken", roles.PARKING_OFFICE),
        ("buergerbuero", roles.CITIZEN_OFFICE_ADMIN),
    ):
        verified(client, staff(username, role))
        assert client.get(LOG).status_code == 403, username
        client.logout()
    dpo = staff("datenschutz", roles.DATA_PROTECTION_OFFICER)
    client.force_login(dpo)
    assert client.get(LOG)["Location"].startswith("/login/zwei-faktor/")
    verified(client, dpo)
    page = client.get(LOG)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert "BOT-LOG 7" in html and "30 Tagen" in html
    # the officer may not read the log, the data-protection officer may not look up plates
    assert client.post("/kontrolle/api/kennzeichen/", {"kennzeichen": "BOT-A 1"}).status_code == 403
    assert client.get("/kontrolle/kennzeichen/").status_code == 403


def test_the_log_filters_by_plate_and_officer_and_pages(client):
    kai = staff("kontrolle", roles.TRAFFIC_ENFORCEMENT)
    ute = staff("kontrolle2", roles.TRAFFIC_ENFORCEMENT)
    for minute in range(60):
        lookup_record(
            officer=kai if minute % 2 else ute,
            plate=f"BOT-A {minute + 1}",
            zone_id=None,
            allowed=False,
            now=NOW + timedelta(minutes=minute),
        )
    verified(client, staff("datenschutz", roles.DATA_PROTECTION_OFFICER))
    first = client.get(LOG).content.decode()
    assert "BOT-A 60" in first and "BOT-A 1<" not in first and "seite=2" in first
    assert "BOT-A 1<" in client.get(LOG, {"seite": 2}).content.decode()
    by_plate = client.get(LOG, {"plate": "a 4"}).content.decode()
    assert "BOT-A 4<" in by_plate and "BOT-A 40" in by_plate and "BOT-A 5<" not in by_plate
    by_officer = client.get(LOG, {"officer": "kontrolle2"}).content.decode()
    assert "BOT-A 1<" in by_officer and "BOT-A 2<" not in by_officer


def test_the_log_is_deleted_after_30_days_the_tally_stays_also_at_a_dst_switch():
    assert "parking_lookups_deleted" in jobs_registered()
    # 30 days before 28 Mar 2027 12:00 CEST (after the spring switch) is 26 Feb 12:00 CET
    old = datetime(2027, 2, 26, 11, 59, tzinfo=BERLIN)
    young = datetime(2027, 2, 26, 12, 1, tzinfo=BERLIN)
    for moment in (old, young):
        lookup_record(officer=None, plate="BOT-A 1", zone_id=None, allowed=True, now=moment)
    now = datetime(2027, 3, 28, 12, 0, tzinfo=BERLIN)
    with time_machine.travel(now, tick=False):
        assert jobs_run(now=now, prefix="parking_lookups")["parking_lookups_deleted"] == 1
        assert jobs_run(now=now, prefix="parking_lookups")["parking_lookups_deleted"] == 0
    assert list(LookupLog.objects.values_list("checked_at", flat=True)) == [young]
    assert sum(LookupTally.objects.values_list("lookups", flat=True)) == 2
    # and at the autumn switch: 31 Oct 2027 02:30 happens twice
    first = datetime(2027, 10, 31, 2, 30, tzinfo=BERLIN)
    second = datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=BERLIN)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    for moment in (first, second):
        lookup_record(officer=None, plate="BOT-A 1", zone_id=None, allowed=True, now=moment)
    hours = sorted(t.hour for t in LookupTally.objects.filter(hour__gte=first - timedelta(hours=1)))
    assert len(hours) == 2 and hours[1] - hours[0] == timedelta(hours=1)
    # 30 days before 30 Nov 02:45 is 31 Oct 02:45, its first occurrence (CEST): between them
    jobs_run(now=datetime(2027, 11, 30, 2, 45, tzinfo=BERLIN), prefix="parking_lookups")
    assert LookupLog.objects.filter(checked_at=first).count() == 0
    assert LookupLog.objects.filter(checked_at=second).count() == 1


def test_demo_accounts_include_the_officer_and_the_data_protection_officer(settings):
    from io import StringIO

    settings.DEBUG = True
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)
    text = out.getvalue()
    assert "kontrolle" in text and "datenschutz" in text and "authenticator" in text
