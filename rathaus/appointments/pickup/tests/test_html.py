"""The new pages (one-tap reminder pages, pick-up pages for citizens and staff) pass the Nu
Html Checker, like every crawled page (tests/test_html_valid.py does not reach token pages)."""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from rathaus.accounts import roles
from rathaus.appointments.links import appointment_token
from rathaus.appointments.pickup.services import pickup_request_postal, pickup_token
from rathaus.appointments.selectors import PersonNeed, plan_make
from rathaus.appointments.services.booking import PersonDetails, appointment_book
from rathaus.appointments.tests.factories import MONDAY, NOW, at
from tests.test_html_valid import _checker

from .test_pickup import desk, ready  # noqa: F401 - `desk` is a fixture

pytestmark = pytest.mark.django_db


def test_new_pages_pass_the_nu_html_checker(client, desk, django_user_model, settings, tmp_path):  # noqa: F811
    command = _checker()
    settings.RATHAUS_STAFF_OTP_REQUIRED = False
    plan = plan_make(desk.location, [PersonNeed((("reisepass", 1),))])
    appointment = appointment_book(
        plan=plan,
        start=at(9, day=MONDAY + timedelta(days=21)),
        persons=[PersonDetails("Anna", "Schmidt", date(1990, 5, 1))],
        email="anna@example.org",
        now=NOW,
        confirmed=True,
    )
    args = [appointment.reference, appointment_token(appointment)]
    open_pickup = ready(desk, "P1", born=None)
    postal = ready(desk, "P2")
    pickup_request_postal(pickup=postal, address="Anna\nWeg 1\n46236 Bottrop", now=NOW)
    pages = {}
    with time_machine.travel(NOW, tick=False):
        pages["coming"] = client.get(reverse("appointments:coming", args=args))
        pages["reconfirm"] = client.get(reverse("appointments:reconfirm", args=args))
        for pickup in (open_pickup, postal):
            url = reverse("pickup:detail", args=[pickup.reference, pickup_token(pickup)])
            pages[pickup.reference] = client.get(url)
        slot = reverse("pickup:slot", args=[open_pickup.reference, pickup_token(open_pickup)])
        pages["slot errors"] = client.post(slot, {"start": "1"})
        clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
        clerk.groups.add(Group.objects.get_or_create(name=roles.CITIZEN_OFFICE_ADMIN)[0])
        client.force_login(clerk)
        pages["staff"] = client.get(reverse("pickup_staff:list"))
        pages["staff ready errors"] = client.post(reverse("pickup_staff:ready"), {})
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        (tmp_path / f"{name.replace(' ', '_')}.html").write_bytes(response.content)
    done = subprocess.run(  # noqa: S603 - the locked checker on our own files
        [*command, "--errors-only", "--format", "json", "--exit-zero-always", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    errors = [
        (m.get("url", "").rsplit("/", 1)[-1], m.get("message"), m.get("extract", "")[:80])
        for m in messages
        if m.get("type") == "error"
    ]
    assert not errors, errors
