"""The ticket on the phone: opened only with its token; number, place, people ahead and an
honest wait; the counter once called; the JSON the page's script polls."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from rathaus.appointments.queue.services import call_next, counter_open, ticket_issue, ticket_token
from rathaus.appointments.queue.ticket_views import minutes_shown
from rathaus.appointments.tests.factories import at, office

pytestmark = pytest.mark.django_db


@pytest.fixture
def o():
    return office(counters=2)


@pytest.fixture
def english():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _urls(ticket):
    args = [ticket.pk, ticket_token(ticket)]
    return reverse("queue_ticket:page", args=args), reverse("queue_ticket:state-json", args=args)


def _two_walk_ins(o):
    counter_open(o.counters[0], now=at(9))
    first = ticket_issue(location=o.location, services=["reisepass"], now=at(9))
    second = ticket_issue(location=o.location, services=["reisepass"], now=at(9, 1))
    return first, second


def test_the_page_opens_with_its_token_only(english, o):
    first, second = _two_walk_ins(o)
    page, state = _urls(second)
    with time_machine.travel(at(9, 2), tick=False):
        response = english.get(page)
        assert response.status_code == 200
        assert "A 002" in response.content.decode()
        assert english.get(state).status_code == 200
        assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]
        for wrong in (
            reverse("queue_ticket:page", args=[second.pk, ticket_token(first)]),
            reverse("queue_ticket:page", args=[first.pk, ticket_token(second)]),
            reverse("queue_ticket:page", args=[second.pk, ticket_token(second)[:-1]]),
            reverse("queue_ticket:state-json", args=[second.pk, "A" * 32]),
            reverse("queue_ticket:page", args=[999, ticket_token(second)]),
        ):
            assert english.get(wrong).status_code == 404, wrong
        assert english.post(page).status_code == 405


def test_the_page_shows_place_ahead_and_wait_and_reloads_without_script(english, o):
    _first, second = _two_walk_ins(o)
    page, _state = _urls(second)
    with time_machine.travel(at(9, 2), tick=False):
        body = english.get(page).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in body
    assert '<dd data-field="position">2</dd>' in body
    assert '<dd data-field="ahead">1</dd>' in body
    assert "about 15 minutes" in body  # one passport of 15 minutes ahead, one counter open
    assert 'aria-live="polite"' in body
    assert "js/queue-ticket.js" in body


def test_the_json_and_the_place_after_another_ticket_is_called(english, o):
    first, second = _two_walk_ins(o)
    _page, state = _urls(second)
    with time_machine.travel(at(9, 2), tick=False):
        before = english.get(state)
    assert before.status_code == 200 and "no-store" in before["Cache-Control"]
    assert before.json() == {
        "number": "A 002",
        "status": "waiting",
        "position": 2,
        "ahead": 1,
        "minutes": 15,
        "counter": None,
    }
    assert call_next(o.counters[0], now=at(9, 3)) == first
    with time_machine.travel(at(9, 3), tick=False):
        after = english.get(state).json()
    assert (after["position"], after["ahead"], after["status"]) == (1, 0, "waiting")
    assert call_next(o.counters[1], now=at(9, 4)) == second
    page, state = _urls(second)
    with time_machine.travel(at(9, 4), tick=False):
        called = english.get(state).json()
        body = english.get(page).content.decode()
    assert called == {
        "number": "A 002",
        "status": "called",
        "position": None,
        "ahead": None,
        "minutes": None,
        "counter": "Schalter 2",
    }
    assert "It is your turn: Schalter 2" in body


def test_without_an_open_counter_the_wait_is_unknown(english, o):
    ticket = ticket_issue(location=o.location, services=["reisepass"], now=at(9))
    page, state = _urls(ticket)
    with time_machine.travel(at(9, 1), tick=False):
        assert english.get(state).json()["minutes"] is None
        body = english.get(page).content.decode()
    assert '<dd data-field="minutes">unknown</dd>' in body


def test_the_wait_is_shown_in_whole_five_minutes():
    assert minutes_shown(None) is None
    assert minutes_shown(0) == 5
    assert minutes_shown(12.5) == 15
    assert minutes_shown(15) == 15
    assert minutes_shown(31) == 35
