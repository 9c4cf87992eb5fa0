"""The kiosk: only on a device set up by the citizen-office administration; check-in by
reference, by a scanned code's text, by name and date of birth; refusals shown; walk-in
numbers; the receipt with the number and the code of the phone page."""

from __future__ import annotations

import re

import pytest
import segno
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import signing
from django.test import Client
from django.urls import reverse

from rathaus.accounts import roles
from rathaus.appointments.queue import kiosk_views
from rathaus.appointments.queue.constants import LatePolicy, TicketKind
from rathaus.appointments.queue.kiosk_forms import reference_extract
from rathaus.appointments.queue.models import Ticket
from rathaus.appointments.queue.services import queue_get, ticket_token
from rathaus.appointments.tests.factories import LocationFactory, at, office

from .helpers import ANNA, BEN, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def o():
    return office()


@pytest.fixture
def english():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _staff(name, group=None):
    user = User.objects.create_user(name, password="x" * 20, is_staff=True)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def _set_up(client, location_slug="rathaus"):
    client.cookies[kiosk_views.COOKIE] = signing.dumps(
        {"location": location_slug, "generation": 1},
        salt=kiosk_views.SALT,
    )
    return client


def _url(name, *args):
    return reverse(f"queue_kiosk:{name}", args=["rathaus", *args])


def test_only_the_citizen_office_administration_sets_a_device_up(client, o, settings):
    settings.RATHAUS_STAFF_OTP_REQUIRED = False
    url = reverse("queue_kiosk:setup")
    assert client.get(url).status_code == 302  # to the login
    assert client.post(url, {"location": "rathaus"}).status_code == 302
    assert kiosk_views.COOKIE not in client.cookies
    client.force_login(_staff("wohngeld", roles.HOUSING_BENEFIT_STAFF))
    assert client.post(url, {"location": "rathaus"}).status_code == 403
    assert kiosk_views.COOKIE not in client.cookies

    client.force_login(_staff("bea", roles.CITIZEN_OFFICE_ADMIN))
    page = client.get(url).content.decode()
    assert "Dieses Gerät als Empfang für" in page and o.location.name in page
    response = client.post(url, {"location": "rathaus"})
    assert response.status_code == 303
    assert response["Location"] == _url("start")
    cookie = client.cookies[kiosk_views.COOKIE]
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["httponly"] and cookie["path"] == "/buergerbuero/empfang/"
    value = signing.loads(cookie.value, salt=kiosk_views.SALT)
    assert value == {"location": "rathaus", "generation": 1}
    assert client.post(url, {"location": "nowhere"}).status_code == 404
    device = Client()  # the same device without the administrator's session
    device.cookies[kiosk_views.COOKIE] = cookie.value
    assert device.get(_url("start")).status_code == 200


def test_removing_the_setup_ends_the_kiosk(client, o, settings):
    settings.RATHAUS_STAFF_OTP_REQUIRED = False
    client.force_login(_staff("bea", roles.CITIZEN_OFFICE_ADMIN))
    client.post(reverse("queue_kiosk:setup"), {"location": "rathaus"})
    client.post(reverse("queue_kiosk:setup"), {"remove": "1"})
    assert client.get(_url("start")).status_code == 403


def test_without_the_device_cookie_the_kiosk_refuses_in_german(client, o, settings):
    settings.RATHAUS_STAFF_OTP_REQUIRED = False
    for url in (_url("start"), _url("appointment"), _url("walk-in")):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "nicht als Empfang eingerichtet" in response.content.decode()
    assert client.post(_url("walk-in"), {"services": ["reisepass"]}).status_code == 403
    assert not Ticket.objects.exists()
    # Not for another location, not with a forged or outdated cookie, not for staff as such.
    LocationFactory(slug="kirchhellen")
    _set_up(client, "kirchhellen")
    assert client.get(_url("start")).status_code == 403
    client.cookies[kiosk_views.COOKIE] = signing.dumps(
        {"location": "rathaus", "generation": 1}, salt="another"
    )
    assert client.get(_url("start")).status_code == 403
    client.cookies[kiosk_views.COOKIE] = signing.dumps(
        {"location": "rathaus", "generation": 0}, salt=kiosk_views.SALT
    )
    assert client.get(_url("start")).status_code == 403
    del client.cookies[kiosk_views.COOKIE]
    client.force_login(_staff("bea", roles.CITIZEN_OFFICE_ADMIN))
    assert client.get(_url("start")).status_code == 403
    _set_up(client)
    page = client.get(_url("start")).content.decode()
    assert "Ich habe einen Termin" in page and "Ich habe keinen Termin" in page


def test_the_kiosk_starts_in_german(o):
    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    assert '<html lang="de">' in german.get(_url("start")).content.decode()
    assert '<html lang="de">' in _set_up(german).get(_url("start")).content.decode()


def _issued_ticket(response) -> Ticket:
    assert response.status_code == 303, response.content.decode()[:2000]
    match = re.search(r"/nummer/(\d+)/([^/]+)/$", response["Location"])
    ticket = Ticket.objects.get(pk=int(match[1]))
    assert match[2] == ticket_token(ticket)
    return ticket


def test_check_in_by_reference(english, o):
    appointment = book(o, 9)
    _set_up(english)
    with time_machine.travel(at(8, 50), tick=False):
        assert english.get(_url("appointment")).status_code == 200
        response = english.post(
            _url("appointment"), {"how": "reference", "ref-reference": appointment.reference}
        )
    ticket = _issued_ticket(response)
    assert ticket.appointment == appointment and ticket.kind == TicketKind.APPOINTMENT


@pytest.mark.parametrize(
    "typed",
    [
        "https://www.bottrop.de/buergerbuero/termin/{ref}/c2VjcmV0LXRva2Vu/",
        "{ref}",
        "{lower}",
        "{nodash}",
        "Termin {ref}\n",
    ],
)
def test_check_in_by_the_text_of_a_scanned_code(english, o, typed):
    appointment = book(o, 9)
    ref = appointment.reference
    text = typed.format(ref=ref, lower=ref.lower(), nodash=ref.replace("-", " "))
    _set_up(english)
    with time_machine.travel(at(8, 50), tick=False):
        response = english.post(_url("appointment"), {"how": "reference", "ref-reference": text})
    assert _issued_ticket(response).appointment == appointment


def test_a_scanner_on_a_german_keyboard_layout_is_understood():
    assert reference_extract("BBß7KQM2A")[0] == "BB-7KQM2A"
    assert "BB-7KQM2Y" in reference_extract("BB-7KQM2Z")  # Y and Z swapped by the layout
    assert reference_extract("hello") == []
    assert reference_extract("XBB-7KQM2AX") == []


def test_check_in_by_family_name_and_date_of_birth(english, o):
    appointment = book(o, 9)
    _set_up(english)
    with time_machine.travel(at(8, 50), tick=False):
        response = english.post(
            _url("appointment"),
            {
                "how": "person",
                "person-family_name": ANNA.family_name.upper(),
                "person-date_of_birth": ANNA.date_of_birth.strftime("%d.%m.%Y"),
            },
        )
    assert _issued_ticket(response).appointment == appointment


def test_an_unreadable_input_is_shown_at_its_field(english, o):
    _set_up(english)
    with time_machine.travel(at(8, 50), tick=False):
        response = english.post(_url("appointment"), {"how": "reference", "ref-reference": "x"})
        assert response.status_code == 400
        assert "This is not a reference" in response.content.decode()
        response = english.post(
            _url("appointment"),
            {"how": "person", "person-family_name": "Schmidt", "person-date_of_birth": "gestern"},
        )
        assert response.status_code == 400
        assert "day.month.year" in response.content.decode()
    assert not Ticket.objects.exists()


def test_too_early_and_too_late_show_the_reason(english, o):
    early = book(o, 9)
    _set_up(english)
    with time_machine.travel(at(8, 40), tick=False):
        response = english.post(
            _url("appointment"), {"how": "reference", "ref-reference": early.reference}
        )
    assert response.status_code == 409
    assert "Check-in opens at 8:45" in response.content.decode()
    assert "Check-in is not possible" in response.content.decode()
    german = _set_up(Client(HTTP_ACCEPT_LANGUAGE="de"))
    with time_machine.travel(at(8, 40), tick=False):
        response = german.post(
            _url("appointment"), {"how": "reference", "ref-reference": early.reference}
        )
    assert "Die Anmeldung ist ab 08:45 Uhr möglich" in response.content.decode()
    with time_machine.travel(at(8, 50), tick=False):
        response = english.post(
            _url("appointment"), {"how": "reference", "ref-reference": "BB-2222ZZ"}
        )
    assert response.status_code == 409
    assert "No appointment was found" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_walk_in_chooses_services_and_gets_a_number(english, o):
    _set_up(english)
    with time_machine.travel(at(9), tick=False):
        page = english.get(_url("walk-in")).content.decode()
        assert 'value="reisepass"' in page and 'value="anmeldung"' in page
        assert english.post(_url("walk-in"), {}).status_code == 400
        response = english.post(_url("walk-in"), {"services": ["reisepass", "anmeldung"]})
    ticket = _issued_ticket(response)
    assert ticket.kind == TicketKind.WALK_IN and ticket.number == "A 001"
    assert sorted(n.service.slug for n in ticket.needs.all()) == ["anmeldung", "reisepass"]
    with time_machine.travel(at(9), tick=False):
        refused = english.post(_url("walk-in"), {"services": ["beratung", "unknown"]})
    assert refused.status_code == 400  # not a choice of the form


def test_the_receipt_shows_the_number_and_the_code_of_the_phone_page(english, o):
    _set_up(english)
    with time_machine.travel(at(9), tick=False):
        response = english.post(_url("walk-in"), {"services": ["reisepass"]})
        ticket = _issued_ticket(response)
        page = english.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "A 001" in body and "Please take a seat." in body
    assert re.search(r"<svg[^>]*class=\"segno\"", body)
    assert 'http-equiv="refresh"' not in body  # nobody could stop it (WCAG 2.2.1)
    assert 'data-return-url="/buergerbuero/empfang/rathaus/?neu=1"' in body
    phone = reverse("queue_ticket:page", args=[ticket.pk, ticket_token(ticket)])
    assert page.context["phone_url"] == settings.SITE_URL + phone
    drawn = segno.make(settings.SITE_URL + phone, error="m").svg_inline(scale=5)
    assert re.search(r' d="([^"]+)"', drawn)[1] in body  # the code is of the phone page
    # The receipt of another location's device, or with a wrong token, is not found.
    with time_machine.travel(at(9), tick=False):
        wrong = reverse("queue_kiosk:issued", args=["rathaus", ticket.pk, "A" * 32])
        assert english.get(wrong).status_code == 404


def test_back_at_the_start_the_next_person_reads_german(english, o):
    _set_up(english)
    response = english.get(_url("start") + "?neu=1")
    assert response.status_code == 303 and response["Location"] == _url("start")
    assert english.cookies["django_language"].value == "de"
    assert '<html lang="de">' in english.get(_url("start")).content.decode()


def test_late_arrivals_see_the_rule_of_the_location(english, o):
    late = book(o, 9)
    _set_up(english)
    with time_machine.travel(at(9, 20), tick=False):
        response = english.post(
            _url("appointment"), {"how": "reference", "ref-reference": late.reference}
        )
        ticket = _issued_ticket(response)  # by default: a number without appointment
        receipt = english.get(response["Location"]).content.decode()
    assert ticket.kind == TicketKind.WALK_IN and ticket.number in receipt
    assert "You came after your appointment time" in receipt
    queue = queue_get(o.location)
    queue.late_policy = LatePolicy.REFUSE
    queue.save()
    other = book(o, 9, 30, person=BEN)
    with time_machine.travel(at(9, 50), tick=False):
        response = english.post(
            _url("appointment"),
            {"how": "person", "person-family_name": "Berg", "person-date_of_birth": "03.02.1985"},
        )
    assert response.status_code == 409
    assert "You are 20 minutes late" in response.content.decode()
    assert not Ticket.objects.filter(appointment=other).exists()


def test_signing_out_every_kiosk_of_a_location_ends_the_ones_set_up(client, o, settings):
    """A lost tablet: the administration raises the location's kiosk generation."""
    settings.RATHAUS_STAFF_OTP_REQUIRED = False
    kiosk = _set_up(Client())
    assert kiosk.get(_url("start")).status_code == 200
    client.force_login(_staff("bea", roles.CITIZEN_OFFICE_ADMIN))
    page = client.post(reverse("queue_kiosk:setup"), {"location": "rathaus", "revoke": "1"})
    assert page.status_code == 200 and "sind abgemeldet" in page.content.decode()
    assert kiosk.get(_url("start")).status_code == 403
    client.post(reverse("queue_kiosk:setup"), {"location": "rathaus"})  # set up anew
    assert client.get(_url("start")).status_code == 200
