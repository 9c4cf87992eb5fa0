"""The call display: public, read-only, numbers and counters only; its JSON for the script;
the announcement served only for a call that happened."""

from __future__ import annotations

import shutil
import wave

import pytest
import time_machine
from django.urls import reverse

from rathaus.appointments.queue import display_views
from rathaus.appointments.queue.models import Call
from rathaus.appointments.queue.services import (
    call_next,
    checkin,
    counter_open,
    ticket_issue,
)
from rathaus.appointments.queue.speech import SpeechUnavailable, announcement_key
from rathaus.appointments.tests.factories import at, office

from .helpers import ANNA, book

pytestmark = pytest.mark.django_db

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(8, 55), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def cache(settings, tmp_path):
    settings.RATHAUS_SPEECH_CACHE_DIR = tmp_path / "speech"


@pytest.fixture
def o():
    return office()


@pytest.fixture
def called(o):
    """Anna checked in for 9:00, a walk-in, and counter 1 called Anna's ticket."""
    appointment = book(o, 9)
    checkin(location=o.location, appointment=appointment, now=at(8, 50))
    ticket_issue(location=o.location, services=["anmeldung"], now=at(8, 52))
    counter_open(o.counters[1], at(8, 0))
    ticket = call_next(o.counters[0], at(8, 55))
    return ticket


def _page(client, o):
    return client.get(reverse("queue_display:page", args=[o.location.slug]))


def _state(client, o):
    response = client.get(reverse("queue_display:state", args=[o.location.slug]))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    return response.json()


def test_the_page_is_public_refreshes_without_script_and_shows_no_names(client, o, called):
    response = _page(client, o)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in body
    assert '<html lang="de">' in body
    assert "T 001" in body and "Schalter 1" in body
    assert 'id="queue-waiting" class="queue-fact">1<' in body
    assert "/static/js/queue-display.js" in body and "<script>" not in body
    assert "style=" not in body
    assert ANNA.family_name not in body and ANNA.given_name not in body
    assert called.appointment.reference not in body


def test_an_unknown_location_is_not_found(client, o):
    assert client.get(reverse("queue_display:page", args=["nirgendwo"])).status_code == 404
    assert client.get(reverse("queue_display:state", args=["nirgendwo"])).status_code == 404


def test_the_json_has_the_agreed_shape_and_no_names(client, o, called):
    state = _state(client, o)
    assert set(state) == {
        "last_call_id",
        "calls",
        "current",
        "waiting_count",
        "walk_in_wait_minutes",
    }
    call = Call.objects.get()
    assert state["last_call_id"] == call.pk
    assert state["current"] == [{"counter": "Schalter 1", "number": "T 001"}]
    [line] = state["calls"]
    assert set(line) == {"id", "number", "counter", "at", "audio"}
    assert line["id"] == call.pk and line["number"] == "T 001" and line["counter"] == "Schalter 1"
    assert line["at"].startswith("2027-06-07T08:55:00")
    key = announcement_key("T 001", "Schalter 1", display_views.DEFAULT_LANGUAGES)
    assert line["audio"] == reverse("queue_display:audio", args=[o.location.slug, key])
    assert state["waiting_count"] == 1
    assert isinstance(state["walk_in_wait_minutes"], int)
    raw = str(state)
    assert ANNA.family_name not in raw and called.appointment.reference not in raw


def test_the_display_shows_a_new_call_after_call_next(client, o, called):
    before = _state(client, o)
    page = _page(client, o).content.decode()
    assert "A 001" not in page
    ticket = call_next(o.counters[1], at(8, 56))
    assert ticket.number == "A 001"
    after = _state(client, o)
    assert after["last_call_id"] > before["last_call_id"]
    assert [line["number"] for line in after["calls"]] == ["T 001", "A 001"]
    assert {"counter": "Schalter 2", "number": "A 001"} in after["current"]
    assert after["waiting_count"] == 0
    page = _page(client, o).content.decode()
    assert "A 001" in page and "Schalter 2" in page


def test_without_an_open_counter_the_wait_is_unknown(client, o):
    ticket_issue(location=o.location, services=["anmeldung"], now=at(8, 52))
    state = _state(client, o)
    assert state["walk_in_wait_minutes"] is None
    assert state["calls"] == [] and state["current"] == []


@needs_espeak
def test_the_announcement_of_a_real_call_is_a_wav(client, o, called):
    url = _state(client, o)["calls"][0]["audio"]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    data = b"".join(response.streaming_content)
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    import io

    with wave.open(io.BytesIO(data)) as audio:
        assert audio.getnframes() / audio.getframerate() > 2  # gong and two sentences


def test_a_key_that_matches_no_call_is_not_found(client, o, called):
    foreign = announcement_key("A 999", "Schalter 1", display_views.DEFAULT_LANGUAGES)
    url = reverse("queue_display:audio", args=[o.location.slug, foreign])
    assert client.get(url).status_code == 404
    assert (
        client.get(f"/buergerbuero/anzeige/{o.location.slug}/ton/nicht-hex.wav").status_code == 404
    )


def test_without_speech_the_gong_is_served(client, o, called, monkeypatch):
    def broken(*args, **kwargs):
        raise SpeechUnavailable("no espeak")

    monkeypatch.setattr(display_views, "announcement_audio", broken)
    url = _state(client, o)["calls"][0]["audio"]
    response = client.get(url)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data[:4] == b"RIFF"


def test_announce_languages_start_with_german(settings, o):
    settings.RATHAUS_QUEUE_ANNOUNCE_LANGUAGES = {"rathaus": ["tr", "de", "en"]}
    assert display_views.announce_languages(o.location) == ("de", "tr", "en")
    settings.RATHAUS_QUEUE_ANNOUNCE_LANGUAGES = {}
    assert display_views.announce_languages(o.location) == ("de", "en")


def test_the_page_passes_the_nu_html_checker(client, o, called, tmp_path):
    from .test_workplace_pages import nu_errors

    assert not nu_errors({"display": _page(client, o)}, tmp_path)
