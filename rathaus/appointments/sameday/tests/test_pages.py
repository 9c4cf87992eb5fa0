"""The public pages (form, received, result, JSON) and the staff page's gate."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.urls import reverse

from rathaus.accounts import roles
from rathaus.appointments.sameday.models import SameDayDraw, SameDayRequest
from rathaus.appointments.sameday.pure_draw import document_verify
from rathaus.appointments.sameday.services.draw_run import draw_run

from .helpers import clock, same_day_office

pytestmark = pytest.mark.django_db

FORM = {
    "p1_given_name": "Anna",
    "p1_family_name": "Schmidt",
    "p1_date_of_birth": "1990-05-01",
    "p1_services": ["personalausweis"],
    "email": "anna@example.org",
    "reason": "travel",
}


@pytest.fixture
def o():
    return same_day_office()


def test_the_pages_before_during_and_after_the_window(client, o):
    url = reverse("sameday:location", args=["rathaus"])
    with time_machine.travel(clock(6, 30), tick=False):
        assert "rathaus" in client.get(reverse("sameday:home")).content.decode()
        page = client.get(url).content.decode()
        draw = SameDayDraw.objects.get()
        assert draw.seed_commitment in page and draw.seed not in page
        assert 'name="email"' not in page
    with time_machine.travel(clock(7, 0), tick=False):
        assert 'name="email"' in client.get(url).content.decode()
        response = client.post(url, FORM)
        assert response.status_code == 302
        made = SameDayRequest.objects.get()
        assert made.reason == "travel" and made.persons[0]["given_name"] == "Anna"
        received = client.get(response["Location"]).content.decode()
        assert made.reference in received and draw.seed_commitment in received
        again = client.post(url, FORM)
        assert again.status_code == 409
        assert "bereits angefragt" in again.content.decode()
    with time_machine.travel(clock(7, 45), tick=False):
        late = client.post(url, {**FORM, "email": "b@example.org", "p1_given_name": "Ben"})
        assert late.status_code in (200, 400)
        assert SameDayRequest.objects.count() == 1
    draw_run(draw=draw, now=clock(7, 45))
    with time_machine.travel(clock(7, 46), tick=False):
        result = client.get(reverse("sameday:result", args=["rathaus", "2027-06-07"]))
        assert draw.seed in result.content.decode()
        document = json.loads(
            client.get(reverse("sameday:result-json", args=["rathaus", "2027-06-07"])).content
        )
        assert document_verify(document, commitment=draw.seed_commitment) == []
        assert "Anna" not in json.dumps(document)


def test_a_refused_form_says_why_in_german(client, o):
    url = reverse("sameday:location", args=["rathaus"])
    with time_machine.travel(clock(7, 10), tick=False):
        response = client.post(url, {**FORM, "reason": ""})
        assert response.status_code == 400
    with time_machine.travel(clock(7, 10), tick=False):
        SameDayDraw.objects.update(closes_at=clock(7, 5))  # an edited window: still refused
        from rathaus.appointments.sameday.services import requests

        requests._windows.clear()
        response = client.post(url, FORM)
        assert response.status_code == 400
        assert "nur von 07:00 Uhr bis vor 07:05 Uhr" in response.content.decode()


def test_unknown_locations_days_and_references_are_404(client, o):
    assert client.get(reverse("sameday:location", args=["nowhere"])).status_code == 404
    assert client.get(reverse("sameday:result", args=["rathaus", "2027-06-07"])).status_code == 404
    assert client.get(reverse("sameday:result", args=["rathaus", "kein-tag"])).status_code == 404
    assert (
        client.get(reverse("sameday:received", args=["rathaus", "SD-AAAAAAAA"])).status_code == 404
    )


def _staff(name, group=None):
    user = User.objects.create_user(name, password="x" * 20, is_staff=True)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def test_the_staff_page_is_for_the_citizen_office_administration(client, o, settings):
    settings.RATHAUS_STAFF_OTP_REQUIRED = False
    url = reverse("sameday_staff:home")
    assert client.get(url).status_code == 302  # to the login
    client.force_login(_staff("wohngeld", roles.HOUSING_BENEFIT_STAFF))
    assert client.get(url).status_code == 403
    admin = _staff("admin", roles.CITIZEN_OFFICE_ADMIN)
    with time_machine.travel(clock(8), tick=False):
        from rathaus.appointments.sameday.services.draw_run import draws_run_due

        draws_run_due(now=clock(6))
        client.force_login(admin)
        page = client.get(url)
    assert page.status_code == 200
    assert "Verlosungen am" in page.content.decode() and o.location.name in page.content.decode()


@pytest.mark.parametrize(
    "change",
    [
        {"email": "not-an-address"},
        {"reason": "because"},
        {"p1_date_of_birth": "1890-01-01"},
        {"p1_date_of_birth": "kein Datum"},
        {"p1_services": ["unknown"]},
        {"p2_given_name": "Ben"},  # person 2 incomplete
        {"p1_given_name": ""},
    ],
)
def test_the_quick_parser_leaves_every_invalid_submission_to_the_form(o, change):
    from django.http import QueryDict

    from rathaus.appointments.sameday.forms import SameDayRequestForm, request_quick_parse

    data = QueryDict(mutable=True)
    for key, value in {**FORM, **change}.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    assert request_quick_parse(data, o.location) is None
    assert not SameDayRequestForm(data, location=o.location).is_valid()


def test_the_quick_parser_reads_a_family(o):
    from django.http import QueryDict

    from rathaus.appointments.sameday.forms import SameDayRequestForm, request_quick_parse

    data = QueryDict(mutable=True)
    values = {
        **FORM,
        "p2_given_name": "Ben",
        "p2_family_name": "Schmidt",
        "p2_date_of_birth": "2019-03-02",
        "p2_services": ["reisepass", "personalausweis"],
    }
    for key, value in values.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    persons, email, reason = request_quick_parse(data, o.location)
    form = SameDayRequestForm(data, location=o.location)
    assert form.is_valid()
    assert persons == form.persons() and email == "anna@example.org" and reason == "travel"
