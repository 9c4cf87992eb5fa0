"""The citizen's appointment pages: confirm, status, cancel, ICS — only with the right token."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from rathaus.appointments.constants import AppointmentStatus
from rathaus.appointments.links import CONFIRM, appointment_token
from rathaus.appointments.selectors import PersonNeed, plan_make
from rathaus.appointments.services.booking import PersonDetails, appointment_book

from .factories import NOW, at, office

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked():
    o = office()
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    people = []
    for hour, name in ((9, "Anna"), (10, "Ben")):
        people.append(
            appointment_book(
                plan=plan,
                start=at(hour),
                persons=[PersonDetails(name, "Schmidt", date(1990, 5, 1))],
                email=f"{name.lower()}@example.org",
                now=NOW,
            )
        )
    return people


def test_token_pages_are_not_found_with_a_wrong_token(client, booked):
    a, b = booked
    with time_machine.travel(NOW, tick=False):
        for name in ("appointments:status", "appointments:cancel", "appointments:ics"):
            for token in (appointment_token(a), appointment_token(b, CONFIRM), "A" * 32):
                response = client.get(reverse(name, args=[b.reference, token]))
                assert response.status_code == 404, (name, token[:4])
            own = client.get(reverse(name, args=[b.reference, appointment_token(b)]))
            assert own.status_code == 200
            assert "no-store" in own["Cache-Control"]
        confirm = reverse("appointments:confirm", args=[b.reference, appointment_token(a, CONFIRM)])
        assert client.get(confirm).status_code == 404
        assert client.post(confirm).status_code == 404
        b.refresh_from_db()
        assert b.status == AppointmentStatus.PENDING


def test_confirm_by_link_then_cancel_on_the_status_page(client, booked):
    _a, b = booked
    with time_machine.travel(NOW, tick=False):
        confirm = reverse("appointments:confirm", args=[b.reference, appointment_token(b, CONFIRM)])
        assert client.get(confirm).status_code == 200
        b.refresh_from_db()
        assert b.status == AppointmentStatus.PENDING  # GET confirms nothing (link scanners)
        response = client.post(confirm, follow=True)
        b.refresh_from_db()
        assert b.status == AppointmentStatus.CONFIRMED
        assert b.reference in response.content.decode()
        ics = client.get(reverse("appointments:ics", args=[b.reference, appointment_token(b)]))
        assert b"BEGIN:VEVENT" in ics.content and b"STATUS:CONFIRMED" in ics.content
        client.post(reverse("appointments:cancel", args=[b.reference, appointment_token(b)]))
        b.refresh_from_db()
        assert b.status == AppointmentStatus.CANCELLED
