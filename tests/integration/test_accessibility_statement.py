"""The accessibility statement after the BITV NRW template, with a real feedback form that
sends through the outbox to the accessibility contact (issue 12)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from rathaus.core import accessibility
from rathaus.core.models import OutboxMessage
from rathaus.protection.testing import altcha_solved

pytestmark = pytest.mark.django_db
URL = "/barrierefreiheit/"
VALID = {
    "problem": "Der Kalender lässt sich mit der Tastatur nicht bedienen.",
    "page": "/trauung/",
    "name": "Erika Mustermann",
    "email": "erika@example.org",
}


def _client(language="de") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language)


def test_statement_follows_the_bitv_nrw_template():
    html = _client().get(URL).content.decode()
    assert "BITV NRW" in html and "BGG NRW" in html
    assert "mit den Anforderungen der BITV NRW teilweise vereinbar" in html
    assert "Nicht barrierefreie Inhalte" in html
    assert html.count("Stattdessen:") == len(accessibility.KNOWN_GAPS) >= 4
    assert "PDF/UA-Prüfprogramm" in html and "Gebärdensprache" in html
    assert "zuletzt am 6. Dezember 2026 überprüft" in html
    assert "Selbstbewertung" in html and "320 CSS-Pixeln" in html
    assert accessibility.OMBUDS_NAME in html
    assert 'href="mailto:ombudsstelle-barrierefreie-it@mags.nrw.de"' in html
    assert '<form id="feedback-form"' in html and 'method="post"' in html
    assert 'name="problem"' in html and "altcha" in html


def test_the_english_statement_shows_no_german_gap_text():
    html = _client("en").get(URL).content.decode()
    assert '<html lang="en">' in html
    assert "partially compliant" in html and "last reviewed on" in html
    assert "Tastaturfokus" not in html and "Stattdessen" not in html


def test_errors_come_per_field_in_german_and_nothing_typed_is_lost():
    response = _client().post(URL, {"problem": "", "email": "kein-at", "name": "Erika M."})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Bitte beschreiben Sie die Barriere" in html
    assert "Bitte geben Sie eine E-Mail-Adresse wie name@example.org ein." in html
    assert 'href="#id_problem"' in html and 'href="#id_email"' in html
    assert 'value="Erika M."' in html and 'value="kein-at"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert not OutboxMessage.objects.exists()


def test_a_report_goes_through_the_outbox_to_the_accessibility_contact(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _client().post(URL, {**VALID, "altcha": altcha_solved()})
    assert response.status_code == 303
    assert response["Location"] == "/barrierefreiheit/rueckmeldung-gesendet/"
    message = OutboxMessage.objects.get()
    assert message.sent_at is not None and message.to == ""  # sent rows keep no recipient
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["barrierefreiheit@bottrop.example"]
    assert "Barriere gemeldet: /trauung/" in sent.subject
    assert VALID["problem"] in sent.body and "erika@example.org" in sent.body
    assert "&" not in sent.body  # plain text, not HTML-escaped
    thanks = _client().get(response["Location"])
    assert thanks.status_code == 200 and "Vielen Dank" in thanks.content.decode()


def test_without_the_proof_only_a_small_budget_then_a_german_refusal_keeping_the_entries():
    client = _client()
    statuses = [client.post(URL, VALID).status_code for _ in range(4)]
    assert statuses[:3] == [303, 303, 303]
    assert statuses[3] == 429
    response = client.post(URL, VALID)
    html = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"]
    assert VALID["problem"] in html and 'value="erika@example.org"' in html
    assert OutboxMessage.objects.count() == 3


def test_a_forged_proof_is_refused():
    response = _client().post(URL, {**VALID, "altcha": "bm90LWEtcHJvb2Y="})
    assert response.status_code == 422
    assert VALID["problem"] in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_the_page_to_report_is_prefilled():
    html = _client().get(URL, {"seite": "/wohngeld/"}).content.decode()
    assert 'value="/wohngeld/"' in html
