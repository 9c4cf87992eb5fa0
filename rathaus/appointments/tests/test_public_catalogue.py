"""The citizen's catalogue pages: start page, Dienstleistungen A–Z with search, one page per
service, and the public status page (HTML and JSON)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from rathaus.appointments.selectors import PersonNeed, plan_make
from rathaus.appointments.services.booking import PersonDetails, appointment_book

from .factories import NOW, FeeFactory, ServiceFactory, at, counter_make, office

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def town():
    o = office()
    o.id_card.summary_de = "Der Personalausweis ist 10 Jahre gültig."
    o.id_card.summary_en = "The identity card is valid for 10 years."
    o.id_card.keywords = "Ausweis Perso"
    o.id_card.documents = [
        {"de": "Digitales Passfoto", "en": "Digital photo", "for": "all", "key": "photo"}
    ]
    o.id_card.presence_de = "Jede antragstellende Person persönlich."
    o.id_card.presence_en = "Every applicant in person."
    o.id_card.assumptions = ["minutes"]
    o.id_card.save()
    FeeFactory(service=o.id_card, variant="24-plus", amount_eur=Decimal("37.00"), min_age=24,
               valid_from=date(2021, 1, 1))  # fmt: skip
    old = ServiceFactory(slug="kinderreisepass", name_de="Kinderreisepass", information_only=True)
    old.locations.add(o.location)
    fish = ServiceFactory(slug="fischereischein", name_de="Fischereischein", assumptions=["fee"])
    fish.locations.add(o.location)
    FeeFactory(service=fish, amount_eur=Decimal("12.00"), assumed=True)
    return o


def test_start_page_links_to_a_to_z_booking_and_status(client, town):
    body = client.get(reverse("appointments:start")).content.decode()
    for name in ("appointments:services", "appointments:book", "appointments:public-status"):
        assert f'href="{reverse(name)}"' in body


def test_a_to_z_lists_every_service_and_searches_without_javascript(client, town):
    body = client.get(reverse("appointments:services")).content.decode()
    for service in (town.id_card, town.passport, town.registration):
        assert reverse("appointments:service", args=[service.slug]) in body
    assert "Kinderreisepass" in body and "nicht online buchbar" in body

    found = client.get(reverse("appointments:services"), {"q": "perso"}).content.decode()
    assert reverse("appointments:service", args=["personalausweis"]) in found
    assert reverse("appointments:service", args=["reisepass"]) not in found
    assert "Gefundene Dienstleistungen für „perso“: 1." in found

    none = client.get(reverse("appointments:services"), {"q": "Raumschiff"}).content.decode()
    assert "Keine Dienstleistung passt" in none


def test_service_page_shows_current_fees_documents_presence_and_book_buttons(client, town):
    with time_machine.travel(NOW, tick=False):
        body = client.get(
            reverse("appointments:service", args=["personalausweis"])
        ).content.decode()
    assert "46,00 €" in body and "27,60 €" in body
    assert "37,00" not in body  # replaced on 7 Feb 2026
    assert "Digitales Passfoto" in body
    assert "Jede antragstellende Person persönlich." in body
    assert "20 Min. pro Person" in body and "angenommener Wert" in body  # minutes assumed
    assert (
        reverse("appointments:book-needs", args=["rathaus"]) + "?needs=personalausweis%3A1" in body
    )


def test_service_page_in_english(client, town):
    with time_machine.travel(NOW, tick=False):
        response = client.get(
            reverse("appointments:service", args=["personalausweis"]), HTTP_ACCEPT_LANGUAGE="en"
        )
    body = response.content.decode()
    assert "The identity card is valid for 10 years." in body
    assert "Digital photo" in body and "Digitales Passfoto" not in body


def test_information_only_service_cannot_be_booked_and_assumed_fee_is_marked(client, town):
    body = client.get(reverse("appointments:service", args=["kinderreisepass"])).content.decode()
    assert "nicht online gebucht werden" in body
    assert reverse("appointments:book-needs", args=["rathaus"]) not in body
    fish = client.get(reverse("appointments:service", args=["fischereischein"])).content.decode()
    assert "12,00 €" in fish and "angenommener Wert" in fish


def test_unknown_service_is_404(client, town):
    assert client.get(reverse("appointments:service", args=["gibt-es-nicht"])).status_code == 404


def test_public_status_shows_the_next_free_time_per_service_and_honest_gaps(client, town):
    with time_machine.travel(NOW, tick=False):
        body = client.get(reverse("appointments:public-status")).content.decode()
        data = client.get(reverse("appointments:public-status-json")).json()
    (entry,) = data["locations"]
    assert entry["slug"] == "rathaus"
    by_slug = {item["slug"]: item["next_free"] for item in entry["services"]}
    assert "kinderreisepass" not in by_slug  # information only
    # NOW is Tuesday 09:00; the counters are open 08–12: the next 5-minute start after now.
    assert by_slug["personalausweis"] == (NOW + timedelta(minutes=5)).isoformat()
    assert entry["same_day"] == {
        "kept": False, "released": False, "free_minutes_today": 0, "next_release": None,
    }  # fmt: skip
    assert "Dienstleistung" in body and "Nächster freier Termin" in body


def test_public_status_says_no_free_time_when_there_is_none(client):
    o = office(counters=1)
    o.counters[0].resource.weekly_rules.all().delete()  # no opening at all
    with time_machine.travel(NOW, tick=False):
        body = client.get(reverse("appointments:public-status")).content.decode()
        data = client.get(reverse("appointments:public-status-json")).json()
    assert "kein freier Termin in den nächsten 42 Tagen" in body
    assert all(item["next_free"] is None for item in data["locations"][0]["services"])


def test_public_status_same_day_capacity_before_and_after_the_release(client):
    o = office(counters=2, same_day_percent=50)
    morning = at(7, 10, day=date(2027, 6, 7))
    with time_machine.travel(morning, tick=False):
        data = client.get(reverse("appointments:public-status-json")).json()
    same_day = data["locations"][0]["same_day"]
    assert same_day["kept"] and not same_day["released"]
    assert same_day["free_minutes_today"] == 4 * 60  # the kept counter, open 08–12
    assert same_day["next_release"] == at(7, 50, day=date(2027, 6, 7)).isoformat()
    # A booking at the kept counter (staff may use it) takes its minutes away.
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    appointment_book(
        plan=plan, start=at(9, day=date(2027, 6, 7)),
        persons=[PersonDetails("Anna", "Schmidt", date(1990, 5, 1))],
        email="anna@example.org", now=morning, with_kept=True,
    )  # fmt: skip
    cache.clear()
    with time_machine.travel(morning, tick=False):
        same_day = client.get(reverse("appointments:public-status-json")).json()["locations"][0][
            "same_day"
        ]
    assert same_day["free_minutes_today"] in (4 * 60, 4 * 60 - 15)  # least busy counter chosen
    after = at(8, 0, day=date(2027, 6, 7))
    cache.clear()
    with time_machine.travel(after, tick=False):
        same_day = client.get(reverse("appointments:public-status-json")).json()["locations"][0][
            "same_day"
        ]
    assert same_day["released"] and same_day["free_minutes_today"] == 0
    assert same_day["next_release"] == at(7, 50, day=date(2027, 6, 8)).isoformat()


def test_public_status_is_cached_for_a_minute(client, town, django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        client.get(reverse("appointments:public-status"))
        with django_assert_max_num_queries(3):  # session/locale only, no free-time search
            response = client.get(reverse("appointments:public-status-json"))
    assert "max-age=60" in response["Cache-Control"]


def test_extra_counter_in_a_test_location_does_not_break_the_status(client, town):
    counter_make(town.location, "Schalter 9", [town.id_card])
    with time_machine.travel(NOW, tick=False):
        assert client.get(reverse("appointments:public-status")).status_code == 200
