"""The standby list page: join with persons, services, period and e-mail; errors keep what
was typed."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from rathaus.appointments.models import StandbyEntry
from rathaus.protection.testing import protection_off, rate_limits_off

from .factories import NOW, office

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("protection_off", "rate_limits_off")]
__all__ = ["protection_off", "rate_limits_off"]  # fixtures


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _url(needs="reisepass:1"):
    return reverse("appointments:standby-join", args=["rathaus"]) + f"?needs={needs}"


DATA = {
    "p0-given_name": "Clara",
    "p0-family_name": "Weber",
    "p0-date_of_birth": "02.03.1985",
    "earliest": "02.06.2027",
    "latest": "30.06.2027",
    "email": "clara@example.org",
    "language": "de",
}


def test_standby_start_leads_through_the_needs_form(client, clock):
    office()
    body = client.get(reverse("appointments:standby")).content.decode()
    assert reverse("appointments:book-needs", args=["rathaus"]) + "?ziel=warteliste" in body
    response = client.get(
        reverse("appointments:book-needs", args=["rathaus"]),
        {"personen": "1", "weiter": "1", "p0-reisepass": "on", "ziel": "warteliste"},
    )
    assert response["Location"] == _url().replace(":", "%3A")
    assert client.get(reverse("appointments:standby-join", args=["rathaus"]))["Location"].endswith(
        "?ziel=warteliste"
    )


def test_join_keeps_persons_services_period_and_e_mail(client, clock):
    o = office(counters=1)
    page = client.get(_url()).content.decode()
    assert 'value="02.06.2027"' in page  # from tomorrow
    response = client.post(_url(), DATA)
    assert response.status_code == 302
    entry = StandbyEntry.objects.get()
    assert response["Location"] == reverse("appointments:standby-sent", args=[entry.reference])
    assert entry.reference in client.get(response["Location"]).content.decode()
    assert entry.services == [{"person": 0, "service": "reisepass", "count": 1}]
    assert (entry.earliest, entry.latest) == (date(2027, 6, 2), date(2027, 6, 30))
    assert entry.persons[0]["given_name"] == "Clara" and entry.email == "clara@example.org"
    assert o.location == entry.location


def test_join_errors_keep_the_entries(client, clock):
    office()
    response = client.post(_url(), DATA | {"latest": "01.06.2027", "email": "kein-at"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Der Zeitraum darf nicht" in body  # its end before its start
    assert 'value="Clara"' in body and 'value="kein-at"' in body
    past = client.post(_url(), DATA | {"earliest": "01.01.2027"})
    assert past.status_code == 422 and "Vergangenheit" in past.content.decode()
    assert not StandbyEntry.objects.exists()


def test_standby_sent_needs_a_reference_shape(client):
    assert client.get(reverse("appointments:standby-sent", args=["nope"])).status_code == 404
