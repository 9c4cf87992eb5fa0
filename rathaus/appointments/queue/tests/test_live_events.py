"""Every write of a location's waiting room tells its live channel, once, on commit; a refused
write tells nothing; the display and the phone page name the stream to follow."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from rathaus.appointments.queue.services import (
    QueueRefused,
    call_next,
    counter_open,
    live_channel,
    start,
    ticket_issue,
    ticket_token,
)
from rathaus.appointments.tests.factories import at, office
from rathaus.core.live import live_events_after, live_last_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def o():
    return office()


def _events(o, after=0):
    return live_events_after(live_channel(o.location.pk), after)


def test_each_write_is_one_state_event_on_the_locations_channel(o):
    ticket = ticket_issue(location=o.location, services=["anmeldung"], now=at(8))
    assert [event.kind for event in _events(o)] == ["state"]
    seen = live_last_id(live_channel(o.location.pk))
    called = call_next(o.counters[0], at(8, 5))
    assert called == ticket
    start(called, at(8, 6))
    events = _events(o, seen)
    assert len(events) == 2 and all(event.payload == {} for event in events)


def test_a_refused_write_tells_nothing(o):
    with pytest.raises(QueueRefused):
        ticket_issue(location=o.location, services=["no-such-service"], now=at(8))
    assert _events(o) == []


def test_the_display_and_the_phone_follow_the_stream_from_now(o, settings):
    settings.RATHAUS_LIVE_URL = "http://127.0.0.1:8001/live"
    ticket = ticket_issue(location=o.location, services=["anmeldung"], now=at(8))
    channel = live_channel(o.location.pk)
    last = live_last_id(channel)
    display = Client().get(reverse("queue_display:page", args=[o.location.slug]))
    expected = f'data-live-url="http://127.0.0.1:8001/live/{channel}?after={last}'
    # the display is served before the phones
    assert f'{expected}&amp;first=1"' in display.content.decode()
    phone = Client().get(reverse("queue_ticket:page", args=[ticket.pk, ticket_token(ticket)]))
    assert f'{expected}"' in phone.content.decode()


def test_the_channel_shows_each_number_with_its_place_and_each_call_with_its_counter(o):
    from rathaus.appointments.queue.selectors import queue_public_view

    with time_machine.travel(at(8), tick=False):
        first = ticket_issue(location=o.location, services=["anmeldung"], now=at(8))
        second = ticket_issue(location=o.location, services=["anmeldung"], now=at(8))
        counter_open(o.counters[0], at(8))
        shown = queue_public_view(live_channel(o.location.pk))
        assert list(shown["waiting"]) == [first.number, second.number]
        assert shown["waiting"][first.number][:2] == [1, 0]
        assert shown["waiting"][second.number][:2] == [2, 1]
        assert shown["called"] == {}
        call_next(o.counters[0], at(8))
        shown = queue_public_view(live_channel(o.location.pk))
        assert list(shown["waiting"]) == [second.number]
        assert shown["waiting"][second.number][:2] == [1, 0]
        assert shown["called"] == {first.number: [o.counters[0].name, "called"]}
        # the displays show the event's state: the same as their own read of stand.json
        state = Client().get(reverse("queue_display:state", args=[o.location.slug])).json()
        assert shown["display"] == state
        assert shown["display"]["current"] == [
            {"counter": o.counters[0].name, "number": first.number}
        ]
    assert queue_public_view("queue.999999") == {}
    assert queue_public_view("queue.not-a-location") == {}


def test_the_channels_view_reads_as_many_statements_for_every_counter_busy_as_for_one(o):
    """Read with every event for a thousand followers: no statement per counter or ticket."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rathaus.appointments.queue.selectors import queue_public_view

    channel = live_channel(o.location.pk)

    def statements() -> int:
        with CaptureQueriesContext(connection) as queries:
            queue_public_view(channel)
        return len(queries.captured_queries)

    assert len(o.counters) >= 2
    with time_machine.travel(at(8), tick=False):
        for _ in range(2 * len(o.counters)):
            ticket_issue(location=o.location, services=["anmeldung"], now=at(8))
        counter_open(o.counters[0], at(8))
        call_next(o.counters[0], at(8))
        one_busy = statements()
        for counter in o.counters[1:]:
            counter_open(counter, at(8))
            call_next(counter, at(8))
        every_busy = statements()
    assert every_busy == one_busy
    assert every_busy <= 12
