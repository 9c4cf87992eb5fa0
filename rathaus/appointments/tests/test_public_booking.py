"""The booking flow without JavaScript, with the test client: location, persons and their
services, free times by week, hold, details, e-mail; every error path keeps what was typed;
wrong tokens get 404; the carried-over data of the data walks is kept only with consent."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from rathaus.appointments.constants import AppointmentStatus
from rathaus.appointments.links import appointment_token
from rathaus.appointments.models import Appointment
from rathaus.appointments.selectors import PersonNeed, plan_make
from rathaus.appointments.services.booking import PersonDetails, appointment_book
from rathaus.appointments.views import DETAILS
from rathaus.core.carry import carry_encode
from rathaus.core.models import OutboxMessage
from rathaus.protection.testing import altcha_solved, protection_off, rate_limits_off
from rathaus.scheduling import engine

from .factories import MONDAY, NOW, LocationFactory, ServiceFactory, at, counter_make, office

pytestmark = pytest.mark.django_db
__all__ = ["protection_off", "rate_limits_off"]  # fixtures

TWO_PERSONS = "personalausweis:1,reisepass:1;reisepass:1"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def town():
    return office(counters=2)


def _needs_url(**query):
    return reverse("appointments:book-needs", args=["rathaus"]), query


def _times(client, needs=TWO_PERSONS, **query):
    return client.get(
        reverse("appointments:book-times", args=["rathaus"]), {"needs": needs, **query}
    )


def _hold(client, start, needs=TWO_PERSONS, **extra):
    return client.post(
        reverse("appointments:book-hold", args=["rathaus"]),
        {"needs": needs, "start": str(engine.epoch(start)), **extra},
    )


def _details_data(persons=2, **changes):
    data = {"email": "familie@example.org", "language": "de"}
    names = [("Anna", "Schmidt", "01.05.1990"), ("Ben", "Schmidt", "2019-03-04")]
    for index in range(persons):
        given, family, born = names[index]
        data |= {
            f"p{index}-given_name": given,
            f"p{index}-family_name": family,
            f"p{index}-date_of_birth": born,
        }
    return data | changes


def _held(client, start=None, needs=TWO_PERSONS):
    response = _hold(client, start or at(9), needs)
    assert response.status_code == 302, response.content.decode()[:2000]
    reference = re.search(r"/termin/(BB-\w+)/angaben/", response["Location"]).group(1)
    return Appointment.objects.get(reference=reference), response["Location"]


# --- who comes with what ----------------------------------------------------------------


def test_location_choice_links_to_the_needs_form_and_filters_by_service(client, town):
    LocationFactory(slug="anderswo")
    body = client.get(reverse("appointments:book")).content.decode()
    assert reverse("appointments:book-needs", args=["rathaus"]) in body
    assert reverse("appointments:book-needs", args=["anderswo"]) in body
    only = client.get(reverse("appointments:book"), {"dienst": "reisepass"}).content.decode()
    assert reverse("appointments:book-needs", args=["anderswo"]) not in only
    assert "?needs=reisepass%3A1" in only


def test_needs_form_adds_a_person_without_javascript_and_keeps_every_choice(client, town):
    url = reverse("appointments:book-needs", args=["rathaus"])
    first = client.get(url, {"needs": "reisepass:1"}).content.decode()
    assert 'name="p0-reisepass" checked' in first.replace('type="checkbox" ', "") or re.search(
        r'name="p0-reisepass"[^>]*checked', first
    )
    added = client.get(
        url, {"personen": ["1", "2"], "p0-personalausweis": "on", "p0-reisepass": "on"}
    ).content.decode()
    assert re.search(r'name="p0-personalausweis"[^>]*checked', added)
    assert re.search(r'name="p0-reisepass"[^>]*checked', added)
    assert 'name="p1-reisepass"' in added and not re.search(
        r'name="p1-reisepass"[^>]*checked', added
    )
    assert "Person 2" in added
    removed = client.get(url, {"personen": ["2", "1"], "p1-reisepass": "on"}).content.decode()
    assert 'name="p1-reisepass"' not in removed


def test_needs_form_without_a_service_says_so_in_german(client, town):
    url = reverse("appointments:book-needs", args=["rathaus"])
    response = client.get(url, {"personen": "2", "weiter": "1", "p0-reisepass": "on"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "error-summary" in body
    assert re.search(r'name="p0-reisepass"[^>]*checked', body)  # kept


def test_needs_form_refuses_services_that_do_not_combine(client, town):
    url = reverse("appointments:book-needs", args=["rathaus"])
    response = client.get(
        url, {"personen": "1", "weiter": "1", "p0-reisepass": "on", "p0-beratung": "on"}
    )
    assert response.status_code == 422


def test_needs_form_leads_to_the_free_times(client, town):
    url = reverse("appointments:book-needs", args=["rathaus"])
    response = client.get(
        url,
        {"personen": "2", "weiter": "1", "p0-personalausweis": "on", "p0-reisepass": "on",
         "p1-reisepass": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == reverse("appointments:book-times", args=["rathaus"])
    assert parse_qs(target.query)["needs"] == [TWO_PERSONS]


def test_unknown_location_is_404(client, town):
    assert client.get(reverse("appointments:book-needs", args=["mond"])).status_code == 404
    assert client.get(reverse("appointments:book-times", args=["mond"])).status_code == 404


# --- free times -------------------------------------------------------------------------


def test_free_times_by_week_grouped_by_day(client, town, clock):
    response = _times(client)
    body = response.content.decode()
    assert response.status_code == 200
    # 50 minutes for the two persons at one counter: the first start 09:05 today (Tuesday).
    assert f'value="{engine.epoch(NOW + timedelta(minutes=5))}"' in body
    assert "Dienstag, 1. Juni 2027" in body and "Freitag, 4. Juni 2027" in body
    assert "Montag, 7. Juni 2027" not in body  # next week
    next_week = _times(client, woche=MONDAY.isoformat()).content.decode()
    assert "Montag, 7. Juni 2027" in next_week and "Dienstag, 1. Juni 2027" not in next_week
    assert "Vorige Woche" in next_week


def test_free_times_mark_persons_side_by_side(client, clock):
    location = LocationFactory(slug="rathaus", parallel_counters=True)
    id_card = ServiceFactory(slug="personalausweis", minutes=20)
    passport = ServiceFactory(slug="reisepass", minutes=15)
    for service in (id_card, passport):
        service.locations.add(location)
    # 35 minutes at one counter fit until 11:15; side by side (20 and 15 minutes) until 11:25.
    counter_make(location, "Schalter 1", [id_card, passport], hours=(time(8), time(11, 50)))
    counter_make(location, "Schalter 2", [id_card, passport], hours=(time(8), time(11, 40)))
    body = _times(client, needs="personalausweis:1;reisepass:1", woche=MONDAY.isoformat())
    body = body.content.decode()
    side_by_side = re.findall(
        r'value="(\d+)">(?:(?!</button>).)*nebeneinander an 2 Schaltern', body
    )
    assert [engine.from_epoch(int(value)) for value in side_by_side[:2]] == [at(11, 20), at(11, 25)]
    assert f'value="{engine.epoch(at(11, 15))}"' in body


def test_times_with_a_bad_needs_go_back_to_the_needs_form(client, town):
    response = _times(client, needs="raumschiff:1")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("appointments:book-needs", args=["rathaus"]))


def test_no_free_time_is_said_honestly_with_the_standby_list(client, clock):
    o = office(counters=1)
    o.counters[0].resource.weekly_rules.all().delete()
    body = _times(client).content.decode()
    assert "Kein freier Termin in den nächsten 42 Tagen" in body
    assert reverse("appointments:standby-join", args=["rathaus"]) in body


# --- hold, details, e-mail ----------------------------------------------------------------


@pytest.mark.usefixtures("protection_off", "rate_limits_off")
def test_the_whole_flow_for_two_persons(client, town, clock):
    appointment, details_url = _held(client)
    assert appointment.status == AppointmentStatus.HELD
    page = client.get(details_url)
    body = page.content.decode()
    assert "Für Sie reserviert bis 09:10 Uhr" in body  # ten minutes from now
    assert "Person 1: " in body and "Person 2: " in body
    response = client.post(details_url, _details_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("appointments:book-sent", args=[appointment.reference])
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PENDING
    assert [str(p) for p in appointment.persons.all()] == ["Anna Schmidt", "Ben Schmidt"]
    assert appointment.carried_over == {}
    (mail,) = OutboxMessage.objects.filter(to="familie@example.org")
    assert "/bestaetigen/" in mail.text and appointment.reference in mail.subject
    assert "Reisepass" in mail.text or "Dienstleistung" in mail.text  # who comes
    sent = client.get(response["Location"]).content.decode()
    assert appointment.reference in sent and "E-Mail" in sent
    # The details page of a completed booking leads to "check your e-mail".
    assert client.get(details_url)["Location"] == response["Location"]


@pytest.mark.usefixtures("protection_off", "rate_limits_off")
def test_details_errors_keep_every_entry_and_the_hold(client, town, clock):
    appointment, details_url = _held(client)
    data = _details_data(
        **{"p1-date_of_birth": "31.02.2019", "email": "kein-at", "p0-given_name": ""}
    )
    response = client.post(details_url, data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Bitte geben Sie das Geburtsdatum als Tag.Monat.Jahr ein" in body
    assert "Bitte geben Sie eine E-Mail-Adresse wie name@example.org ein." in body
    assert "Bitte geben Sie den Vornamen ein." in body
    assert 'value="31.02.2019"' in body and 'value="kein-at"' in body and 'value="Schmidt"' in body
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.HELD


@pytest.mark.usefixtures("protection_off", "rate_limits_off")
def test_details_after_the_hold_lapsed_is_409_with_entries_kept(client, town, clock):
    _appointment, details_url = _held(client)
    clock.shift(timedelta(minutes=11))
    response = client.post(details_url, _details_data())
    assert response.status_code == 409
    body = response.content.decode()
    assert "nicht mehr für Sie reserviert" in body and 'value="Anna"' in body


@pytest.mark.usefixtures("protection_off", "rate_limits_off")
def test_details_over_the_per_person_limit_is_refused_in_german(client, town, clock):
    plan = plan_make(town.location, [PersonNeed((("reisepass", 1),))])
    for hour in (10, 11):
        appointment_book(
            plan=plan, start=at(hour), persons=[PersonDetails("Anna", "Schmidt", date(1990, 5, 1))],
            email=f"x{hour}@example.org", now=NOW,
        )  # fmt: skip
    _appointment, details_url = _held(client)
    response = client.post(details_url, _details_data())
    assert response.status_code == 422
    assert "aktive Termine" in response.content.decode() or "active appointments" in (
        response.content.decode()
    )


@pytest.mark.usefixtures("protection_off", "rate_limits_off")
def test_choose_another_time_releases_the_hold(client, town, clock):
    appointment, _details_url = _held(client)
    token = appointment_token(appointment, DETAILS)
    release = reverse("appointments:book-release", args=[appointment.reference, token])
    assert client.get(release).status_code == 405
    response = client.post(release)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("appointments:book-times", args=["rathaus"]))
    assert "needs=" in response["Location"]
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.LAPSED
    # The same time can be held again at once.
    again, _url = _held(client)
    assert again.start == appointment.start


@pytest.mark.usefixtures("protection_off", "rate_limits_off")
def test_a_taken_time_is_409_with_other_times(client, clock):
    office(counters=1)
    _held(client, needs="reisepass:1")
    response = _hold(client, at(9), needs="reisepass:1")
    assert response.status_code == 409
    body = response.content.decode()
    assert "soeben vergeben" in body
    assert 'name="start"' in body  # the other times to choose from


@pytest.mark.usefixtures("protection_off", "rate_limits_off")
def test_hold_errors(client, town, clock):
    url = reverse("appointments:book-hold", args=["rathaus"])
    assert client.get(url).status_code == 405
    assert client.post(url, {"needs": TWO_PERSONS, "start": "morgen"}).status_code == 422
    past = client.post(url, {"needs": TWO_PERSONS, "start": str(engine.epoch(NOW) - 3600)})
    assert past.status_code == 422
    assert client.post(url, {"needs": "x:y", "start": "1"}).status_code == 302


def test_hold_needs_the_bot_check(client, town, clock, settings):
    settings.RATHAUS_RATE_LIMIT_NOSCRIPT_IP = "0/1h"
    refused = _hold(client, at(9))
    assert refused.status_code in (422, 429)
    assert not Appointment.objects.exists()
    settings.RATHAUS_RATE_LIMIT_NOSCRIPT_IP = "3/1h"
    allowed = _hold(client, at(9), altcha=altcha_solved())
    assert allowed.status_code == 302


def test_token_pages_of_the_flow_are_not_found_with_a_wrong_token(client, town, clock):
    plan = plan_make(town.location, [PersonNeed((("reisepass", 1),))])
    a = appointment_book(
        plan=plan, start=at(9), persons=[PersonDetails("A", "B", date(1990, 1, 1))],
        email="a@example.org", now=NOW,
    )  # fmt: skip
    from rathaus.appointments.services.booking import appointment_hold

    b = appointment_hold(plan=plan, start=at(10), now=NOW)
    for name in ("appointments:book-details", "appointments:book-release"):
        for token in (appointment_token(a, DETAILS), appointment_token(b), "A" * 43):
            assert client.post(reverse(name, args=[b.reference, token])).status_code == 404
        assert (
            client.get(reverse("appointments:book-details", args=[b.reference, "x"])).status_code
            == 404
        )
    assert (
        client.get(reverse("appointments:book-details", args=["BB-NOPE00", "x" * 43])).status_code
        == 404
    )
    assert client.get(reverse("appointments:book-sent", args=["nonsense"])).status_code == 404
    b.refresh_from_db()
    assert b.status == AppointmentStatus.HELD


# --- the data walks ------------------------------------------------------------------------


@pytest.fixture
def wohngeld():
    location = LocationFactory(slug="wohngeldstelle", name_de="Wohngeldstelle")
    service = ServiceFactory(slug="wohngeld-beratung", minutes=30, combination_group="housing")
    service.locations.add(location)
    counter_make(location, "Beratung 1", [service])
    return location


@pytest.mark.usefixtures("protection_off", "rate_limits_off")
@pytest.mark.parametrize("consent", [True, False])
def test_the_precheck_result_walks_in_only_with_consent(client, wohngeld, clock, consent):
    carry = carry_encode("wohngeld-precheck", {"eligible": True, "amount": "123.00"})
    start = client.get(reverse("appointments:book"), {"carry": carry})
    assert start.status_code == 302
    needs_url = start["Location"]
    assert needs_url.startswith(reverse("appointments:book-needs", args=["wohngeldstelle"]))
    query = parse_qs(urlsplit(needs_url).query)
    assert query["needs"] == ["wohngeld-beratung:1"] and query["carry"] == [carry]
    times = client.get(
        reverse("appointments:book-times", args=["wohngeldstelle"]),
        {"needs": "wohngeld-beratung:1", "carry": carry},
    ).content.decode()
    assert f'name="carry" value="{carry}"' in times
    response = client.post(
        reverse("appointments:book-hold", args=["wohngeldstelle"]),
        {"needs": "wohngeld-beratung:1", "start": str(engine.epoch(at(9))), "carry": carry},
    )
    details_url = response["Location"]
    assert "carry=" in details_url
    page = client.get(details_url).content.decode()
    assert "Aus Ihrem Wohngeld-Vorab-Check" in page and "123.00" in page
    data = _details_data(persons=1)
    if consent:
        data["consent"] = "on"
    done = client.post(details_url, data)
    assert done.status_code == 302
    appointment = Appointment.objects.get()
    expected = {"kind": "wohngeld-precheck", "eligible": True, "amount": "123.00"}
    assert appointment.carried_over == (expected if consent else {})


@pytest.mark.usefixtures("protection_off", "rate_limits_off")
def test_a_forged_or_foreign_carry_is_ignored(client, town, wohngeld, clock):
    carry = carry_encode("wohngeld-precheck", {"eligible": True})
    assert (
        client.get(reverse("appointments:book"), {"carry": carry[:-3] + "abc"}).status_code == 200
    )
    # A genuine token for the Wohngeldstelle shows nothing at the Bürgerbüro.
    appointment, details_url = _held(client, needs="reisepass:1")
    page = client.get(
        details_url + "&carry=" + carry if "?" in details_url else details_url + "?carry=" + carry
    )
    assert "Wohngeld-Vorab-Check" not in page.content.decode()
    del appointment


def test_the_wedding_reference_walks_to_the_registry_office(client, clock):
    location = LocationFactory(slug="standesamt", name_de="Standesamt")
    service = ServiceFactory(slug="eheschliessung-anmeldung", minutes=45, combination_group="civil")
    service.locations.add(location)
    counter_make(location, "Trauzimmer", [service])
    carry = carry_encode("wedding", {"reference": "TK-2027-ABCD"})
    response = client.get(reverse("appointments:book"), {"carry": carry})
    assert response["Location"].startswith(reverse("appointments:book-needs", args=["standesamt"]))
    assert "eheschliessung-anmeldung%3A1" in response["Location"]
    with override_settings(RATHAUS_BOT_PROTECTION=False, RATHAUS_RATE_LIMITS=False):
        held = client.post(
            reverse("appointments:book-hold", args=["standesamt"]),
            {"needs": "eheschliessung-anmeldung:1", "start": str(engine.epoch(at(9))),
             "carry": carry},
        )  # fmt: skip
        page = client.get(held["Location"]).content.decode()
        assert "Aus Ihrer Trautermin-Reservierung" in page and "TK-2027-ABCD" in page
        client.post(held["Location"], _details_data(persons=1, consent="on"))
    assert Appointment.objects.get().carried_over == {
        "kind": "wedding",
        "reference": "TK-2027-ABCD",
    }


# --- status page, cancel, rebook ------------------------------------------------------------


@pytest.mark.usefixtures("protection_off", "rate_limits_off")
def test_status_page_offers_rebooking_and_explains_name_changes(client, town, clock):
    plan = plan_make(
        town.location, [PersonNeed((("reisepass", 1),)), PersonNeed((("anmeldung", 1),))]
    )
    appointment = appointment_book(
        plan=plan, start=at(9),
        persons=[PersonDetails("Anna", "Schmidt", date(1990, 5, 1)),
                 PersonDetails("Ben", "Schmidt", date(2019, 3, 4))],
        email="a@example.org", now=NOW,
    )  # fmt: skip
    status_url = reverse(
        "appointments:status", args=[appointment.reference, appointment_token(appointment)]
    )
    body = client.get(status_url).content.decode()
    assert "Namen und Geburtsdaten können nach der Buchung nicht geändert werden" in body
    rebook = (
        reverse("appointments:book-needs", args=["rathaus"])
        + "?needs=reisepass%3A1%3Banmeldung%3A1"
    )
    assert rebook in body
    assert "Noch nicht bestätigt" in body
    cancel = reverse(
        "appointments:cancel", args=[appointment.reference, appointment_token(appointment)]
    )
    after = client.post(cancel, follow=True).content.decode()
    assert "Dieser Termin wurde abgesagt." in after and rebook in after
    mails = OutboxMessage.objects.filter(to="a@example.org").order_by("id")
    assert "abgesagt" in mails.last().subject


def test_status_page_asks_for_the_reconfirmation_of_a_booking_far_ahead(client, town, clock):
    plan = plan_make(town.location, [PersonNeed((("reisepass", 1),))])
    far = at(9, day=MONDAY + timedelta(days=21))
    appointment = appointment_book(
        plan=plan, start=far, persons=[PersonDetails("Anna", "Schmidt", date(1990, 5, 1))],
        email="a@example.org", now=NOW, confirmed=True,
    )  # fmt: skip
    assert appointment.reconfirm_by is not None
    token = appointment_token(appointment)
    body = client.get(reverse("appointments:status", args=[appointment.reference, token]))
    assert reverse("appointments:reconfirm", args=[appointment.reference, token]) in (
        body.content.decode()
    )
