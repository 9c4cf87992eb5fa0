"""The reservation form and API behind the bot protection, over HTTP."""

import json
from datetime import timedelta

import pytest
from django.utils import translation

from rathaus.core.timezone import local_today
from rathaus.protection.models import RateLimitBucket
from rathaus.protection.testing import altcha_solved
from rathaus.weddings import selectors
from rathaus.weddings.models import Reservation, Venue

pytestmark = pytest.mark.usefixtures("bottrop")
API = "/api/v1/reservations"


def _slot(offset=0):
    venue = Venue.objects.get(slug="schloss-beck")
    first = local_today() + timedelta(days=30)
    return selectors.ceremony_slots_free(
        first=first,
        last=first + timedelta(days=90),
        filters=selectors.SlotFilter(venues=[venue], weekdays={5}),
    )[offset]


def _url(slot):
    return f"/trauung/reservieren/{slot.venue.slug}/{slot.start_epoch}/"


def _form(**extra):
    return {
        "partner1_given_name": "Çağla",
        "partner1_family_name": "Öztürk",
        "partner2_given_name": "Luca",
        "partner2_family_name": "D'Amato",
        "email": "paar@example.org",
        "guests": "12",
        "language": "de",
        "consent": "on",
        **extra,
    }


def _api_body(slot, **extra):
    return {
        "venue": slot.venue.slug,
        "start": slot.start.isoformat(),
        "partners": [
            {"given_name": "Çağla", "family_name": "Öztürk"},
            {"given_name": "Luca", "family_name": "D'Amato"},
        ],
        "email": "paar@example.org",
        "guests": 12,
        **extra,
    }


def _api_post(client, body, **headers):
    return client.post(API, json.dumps(body), content_type="application/json", **headers)


def _german(text):
    with translation.override("de"):
        return translation.gettext(text)


# --- the HTML form -------------------------------------------------------------------------


def test_the_form_carries_the_widget_from_our_own_static_files(client):
    html = client.get(_url(_slot())).content.decode()
    assert '<altcha-widget name="altcha" challenge="/api/v1/altcha/challenge"' in html
    assert "/static/vendor/altcha/altcha.min.js" in html
    assert 'data-worker="/static/vendor/altcha/workers/pbkdf2.js"' in html
    assert "<noscript>" in html and "JavaScript" in html
    assert "https://" not in html.split("<altcha-widget", 1)[1].split("</altcha-widget>")[0]


def test_the_form_has_no_widget_when_the_protection_is_off(client, protection_off):
    assert "altcha-widget" not in client.get(_url(_slot())).content.decode()


def test_a_solved_challenge_lets_the_reservation_through(client):
    response = client.post(_url(_slot()), _form(altcha=altcha_solved()))
    assert response.status_code == 303
    assert Reservation.objects.count() == 1


def test_an_invalid_or_replayed_solution_is_refused_and_the_entries_are_kept(client):
    payload = altcha_solved()
    assert client.post(_url(_slot()), _form(altcha=payload)).status_code == 303
    for proof in (payload, "kaputt"):
        response = client.post(_url(_slot(1)), _form(altcha=proof))
        html = response.content.decode()
        assert response.status_code == 422
        assert "automatische Prüfung gegen Bots ist abgelaufen oder ungültig" in html
        assert 'value="Öztürk"' in html and 'value="paar@example.org"' in html
    assert Reservation.objects.count() == 1


@pytest.mark.usefixtures("rate_window_start")
def test_without_javascript_a_few_submissions_per_hour_are_accepted(client, settings):
    settings.RATHAUS_RATE_LIMIT_NOSCRIPT_IP = "2/1h"
    answers = [client.post(_url(_slot(n)), _form(email=f"p{n}@example.org")) for n in range(3)]
    assert [answer.status_code for answer in answers] == [303, 303, 429]
    refused = answers[2]
    assert 1 <= int(refused["Retry-After"]) <= 3600
    html = refused.content.decode()
    assert "Zu viele Anfragen" in html and 'value="p2@example.org"' in html
    assert Reservation.objects.count() == 2
    # With the check solved, the same connection still gets through.
    assert (
        client.post(
            _url(_slot(2)), _form(email="p2@example.org", altcha=altcha_solved())
        ).status_code
        == 303
    )


@pytest.mark.usefixtures("rate_window_start")
def test_submissions_without_javascript_share_a_total_budget(client, settings):
    settings.RATHAUS_RATE_LIMIT_NOSCRIPT_TOTAL = "1/1h"
    first = client.post(_url(_slot()), _form(), REMOTE_ADDR="203.0.113.1")
    other = client.post(_url(_slot(1)), _form(email="b@example.org"), REMOTE_ADDR="203.0.113.2")
    assert (first.status_code, other.status_code) == (303, 429)


@pytest.mark.usefixtures("rate_window_start")
def test_per_ip_limit_answers_429_and_keeps_the_entries(client, settings):
    settings.RATHAUS_RATE_LIMIT_SUBMIT_IP = "2/10m"
    slots = [_slot(n) for n in range(4)]
    answers = [
        client.post(_url(slots[n]), _form(email=f"p{n}@example.org", altcha=altcha_solved()))
        for n in range(3)
    ]
    assert [answer.status_code for answer in answers] == [303, 303, 429]
    assert 'value="p2@example.org"' in answers[2].content.decode()
    other_ip = client.post(
        _url(slots[3]),
        _form(email="x@example.org", altcha=altcha_solved()),
        REMOTE_ADDR="203.0.113.9",
    )
    assert other_ip.status_code == 303


@pytest.mark.usefixtures("rate_window_start")
def test_per_e_mail_limit_across_connections(client, settings):
    settings.RATHAUS_RATE_LIMIT_SUBMIT_EMAIL = "1/1d"
    first = client.post(_url(_slot()), _form(altcha=altcha_solved()), REMOTE_ADDR="203.0.113.1")
    again = client.post(
        _url(_slot(1)),
        _form(email=" PAAR@example.org", altcha=altcha_solved()),
        REMOTE_ADDR="203.0.113.2",
    )
    assert (first.status_code, again.status_code) == (303, 429)
    assert int(again["Retry-After"]) > 3600 and "Stunden" in again.content.decode()
    stored = " ".join(str(row) for row in RateLimitBucket.objects.values_list())
    assert "paar" not in stored.lower() and "203.0.113" not in stored


def test_the_form_works_without_any_protection_when_both_are_off(
    client, protection_off, rate_limits_off
):
    codes = [
        client.post(_url(_slot(n)), _form(email=f"p{n}@example.org")).status_code for n in range(6)
    ]
    assert codes == [303] * 6
    assert not RateLimitBucket.objects.exists()


# --- the JSON API --------------------------------------------------------------------------


def test_api_refuses_a_reservation_without_a_solution(client):
    response = _api_post(client, _api_body(_slot()))
    assert response.status_code == 403
    assert "X-Altcha" in response.json()["detail"]
    assert not Reservation.objects.exists()


def test_api_accepts_the_solution_in_the_header_or_in_the_body(client):
    header = _api_post(client, _api_body(_slot()), HTTP_X_ALTCHA=altcha_solved())
    body = _api_post(client, _api_body(_slot(1), email="b@example.org", altcha=altcha_solved()))
    assert (header.status_code, body.status_code) == (201, 201)


def test_api_refuses_a_replayed_solution(client):
    payload = altcha_solved()
    assert _api_post(client, _api_body(_slot()), HTTP_X_ALTCHA=payload).status_code == 201
    again = _api_post(client, _api_body(_slot(1), email="b@example.org"), HTTP_X_ALTCHA=payload)
    assert again.status_code == 403 and "already been used" in again.json()["detail"]


def test_api_accepts_without_a_solution_when_the_protection_is_off(client, protection_off):
    assert _api_post(client, _api_body(_slot())).status_code == 201


def test_api_answers_429_with_retry_after_over_the_limit(client, settings):
    settings.RATHAUS_RATE_LIMIT_SUBMIT_IP = "2/10m"
    answers = [
        _api_post(
            client, _api_body(_slot(n), email=f"p{n}@example.org"), HTTP_X_ALTCHA=altcha_solved()
        )
        for n in range(3)
    ]
    assert [answer.status_code for answer in answers] == [201, 201, 429]
    assert 1 <= int(answers[2]["Retry-After"]) <= 600
    assert answers[2].json()["detail"].startswith("Too many requests")


def test_api_limits_are_off_with_the_switch(client, rate_limits_off, settings):
    settings.RATHAUS_RATE_LIMIT_SUBMIT_IP = "1/10m"
    answers = [
        _api_post(
            client, _api_body(_slot(n), email=f"p{n}@example.org"), HTTP_X_ALTCHA=altcha_solved()
        )
        for n in range(3)
    ]
    assert [answer.status_code for answer in answers] == [201, 201, 201]
