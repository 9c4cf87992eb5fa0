"""The waiting-list pages over HTTP: the wish form, opt-in, status, withdrawal, declining."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail

from rathaus.core.timezone import local_today
from rathaus.protection.testing import altcha_solved
from rathaus.weddings import services as weddings
from rathaus.weddings.models import Venue
from rathaus.weddings.waitlist.models import Offer, Wish

from .conftest import committed, free_slots, reserve, wish_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("town")]

URL = "/trauung/warteliste/"
CONFIRM_LINK = re.compile(r"/trauung/warteliste/(WL-\w+)/bestaetigen/([\w=-]+)/")


def _form_data(**overrides):
    day = local_today() + timedelta(days=60)
    data = {
        "partner1_given_name": "Çağla",
        "partner1_family_name": "Öztürk-Nguyễn",
        "partner2_given_name": "Luca",
        "partner2_family_name": "D'Amato",
        "email": "paar@example.org",
        "phone": "",
        "guests": "12",
        "language": "de",
        "first_day": day.isoformat(),
        "last_day": (day + timedelta(days=30)).isoformat(),
        "days": "",
        "weekdays": ["4", "5"],
        "venues": [str(Venue.objects.get(slug="schloss-beck").pk)],
        "time_of_day": "afternoon",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _assert_private(response):
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_form_prefills_the_period_from_the_lottery_link(client):
    day = local_today() + timedelta(days=50)
    response = client.get(URL, {"datum": day.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(f'value="{day.isoformat()}"') == 2  # from and to
    assert "<h1>Auf die Warteliste</h1>" in html
    assert 'for="id_venues_0"' in html and 'type="checkbox"' in html
    assert "style=" not in html and "<script>" not in html


@pytest.mark.usefixtures("protection_off")
def test_a_wish_is_only_in_line_after_the_opt_in(client):
    response = client.post(URL, _form_data())
    assert response.status_code == 303 and response["Location"] == f"{URL}eingegangen/"
    wish = Wish.objects.get()
    assert wish.status == "pending" and wish.confirmed_at is None
    assert wish.weekdays == [4, 5] and wish.time_of_day == "afternoon"
    assert list(wish.venues.values_list("slug", flat=True)) == ["schloss-beck"]
    (message,) = mail.outbox
    assert "bestätigen" in message.subject
    reference, token = CONFIRM_LINK.search(message.body).groups()
    assert reference == wish.reference and "Öztürk" not in message.subject

    page = client.get(f"{URL}{reference}/bestaetigen/{token}/")
    assert page.status_code == 200 and "<form" in page.content.decode()
    _assert_private(page)
    wish.refresh_from_db()
    assert wish.status == "pending"  # GET alone (a link scanner) confirms nothing

    confirmed = client.post(f"{URL}{reference}/bestaetigen/{token}/")
    assert confirmed.status_code == 303
    wish.refresh_from_db()
    assert wish.status == "active" and wish.confirmed_at is not None
    status = client.get(confirmed["Location"])
    assert status.status_code == 200
    _assert_private(status)
    assert "Auf der Warteliste" in status.content.decode()


def test_the_form_works_with_a_solved_proof_of_work(client):
    response = client.post(URL, _form_data(altcha=altcha_solved()))
    assert response.status_code == 303
    assert Wish.objects.count() == 1


@pytest.mark.usefixtures("protection_off")
def test_errors_are_listed_linked_and_entries_kept(client):
    response = client.post(
        URL,
        _form_data(
            partner1_given_name="",
            days="12.06.2027, morgen",
            guests="0",
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'href="#id_partner1_given_name"' in html
    assert "„morgen“ ist kein Datum" in html
    assert 'aria-describedby="id_days_helptext id_days_error"' in html
    assert 'value="paar@example.org"' in html and 'value="Öztürk-Nguyễn"' in html
    assert not Wish.objects.exists()


@pytest.mark.usefixtures("protection_off")
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"days": "12.06.2027"}, "entweder einen Zeitraum oder einzelne Tage"),
        ({"first_day": "", "last_day": ""}, "einen Zeitraum (von und bis) oder einzelne Tage"),
        ({"first_day": (local_today() + timedelta(days=3)).isoformat()}, "gewünscht werden"),
        (
            {
                "first_day": (local_today() + timedelta(days=300)).isoformat(),
                "last_day": (local_today() + timedelta(days=500)).isoformat(),
            },
            "gewünscht werden",
        ),
        ({"guests": "500"}, "Platz für 500 Gäste"),
    ],
)
def test_the_wished_dates_must_be_reservable(client, overrides, message):
    response = client.post(URL, _form_data(**overrides))
    assert response.status_code == 422
    assert message in response.content.decode()


@pytest.mark.usefixtures("protection_off")
def test_a_period_of_more_than_twelve_months_is_refused(client):
    first = local_today() + timedelta(days=20)
    response = client.post(
        URL,
        _form_data(first_day=first.isoformat(), last_day=(first + timedelta(days=400)).isoformat()),
    )
    assert response.status_code == 422
    assert "höchstens 12 Monate" in response.content.decode()


def test_token_pages_are_not_found_with_a_wrong_token(client):
    slot = free_slots()[0]
    taken = reserve(slot)
    wish = wish_for(slot)
    with committed():
        weddings.reservation_cancel_by_couple(reservation=taken)
    reservation = Offer.objects.get().reservation
    wrong = "A" * 32
    for url in (
        f"{URL}{wish.reference}/{wrong}/",
        f"{URL}{wish.reference}/bestaetigen/{wrong}/",
        f"{URL}{wish.reference}/bestaetigen/{wish.manage_token}/",  # the other purpose
        f"{URL}{wish.reference}/{wrong}/zurueckziehen/",
        f"{URL}WL-NOTAREF/{wish.manage_token}/",
        f"{URL}angebot/{reservation.reference}/{wrong}/ablehnen/",
        f"{URL}angebot/{reservation.reference}/{reservation.confirm_token}/ablehnen/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert client.get(f"{URL}{wish.reference}/{wish.manage_token}/").status_code == 200


def test_declining_over_http_passes_the_date_on(client):
    slot = free_slots()[0]
    taken = reserve(slot)
    first, second = wish_for(slot), wish_for(slot)
    with committed():
        weddings.reservation_cancel_by_couple(reservation=taken)
    reservation = Offer.objects.get(wish=first).reservation
    url = f"{URL}angebot/{reservation.reference}/{reservation.manage_token}/ablehnen/"
    page = client.get(url)
    assert page.status_code == 200
    _assert_private(page)
    assert "Termin doch annehmen" in page.content.decode()

    response = client.post(url, {"remove": "stay"})
    assert response.status_code == 303
    assert response["Location"] == f"{URL}{first.reference}/{first.manage_token}/"
    first.refresh_from_db()
    assert first.status == "active"
    assert Offer.objects.get(wish=second).status == "open"
    assert "Abgelehnt" in client.get(response["Location"]).content.decode()
    again = client.get(url)
    assert "nicht mehr offen" in again.content.decode()


def test_withdrawing_over_http(client):
    wish = wish_for(free_slots()[0])
    url = f"{URL}{wish.reference}/{wish.manage_token}/zurueckziehen/"
    page = client.get(url)
    assert page.status_code == 200
    _assert_private(page)
    response = client.post(url)
    assert response.status_code == 303
    wish.refresh_from_db()
    assert wish.status == "withdrawn"
    assert "Zurückgezogen" in client.get(response["Location"]).content.decode()
