"""The clerk's workplace and the information desk through their pages: who may open them,
every button changes the queue as the core says, refusals are shown, nothing personal but
the number and the services in the waiting list."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.appointments.queue.constants import CounterMode, TicketStatus
from rathaus.appointments.queue.models import Call, CounterState, Ticket
from rathaus.appointments.queue.services import call_next, counter_open, ticket_issue
from rathaus.appointments.tests.factories import at, counter_make, office

from .helpers import ANNA, book

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(8, 30), tick=False) as traveller:
        yield traveller


def _user(username, role):
    roles_ensure()
    user, _created = staff_user_ensure(
        username=username,
        password="Richtig-Geheim-2027",
        first_name="Bea",
        last_name="B",
        role=role,
    )
    return user


@pytest.fixture
def o():
    return office()


@pytest.fixture
def staff(client):
    client.force_login(_user("buergerbuero", roles.CITIZEN_OFFICE_ADMIN))
    return client


def _act(client, counter, action):
    url = reverse("queue_workplace:act", args=[counter.pk, action])
    return client.post(url, follow=True, **ENGLISH)


def _walk_in(o, services=("anmeldung",)):
    return ticket_issue(location=o.location, services=list(services), now=at(8, 10))


def _text(response):
    return response.content.decode()


def test_anonymous_goes_to_the_login_and_other_roles_are_refused(client, o):
    counter = o.counters[0]
    urls = [
        reverse("queue_workplace:home"),
        reverse("queue_workplace:counter", args=[counter.pk]),
        reverse("queue_workplace:desk", args=[o.location.slug]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    post = reverse("queue_workplace:act", args=[counter.pk, "naechste"])
    assert client.post(post).status_code == 302
    _walk_in(o)
    client.force_login(_user("wohngeld", roles.HOUSING_BENEFIT_STAFF))
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(post).status_code == 403
    assert not Call.objects.exists()


def test_the_start_page_lists_the_counters_and_the_nav_links_to_it(staff, o):
    response = staff.get(reverse("queue_workplace:home"), **ENGLISH)
    assert response.status_code == 200
    for counter in o.counters:
        assert reverse("queue_workplace:counter", args=[counter.pk]) in _text(response)
    day = staff.get(reverse("appointments_staff:day"), **ENGLISH)
    assert reverse("queue_workplace:home") in _text(day)


def test_next_start_finish_through_the_buttons(staff, o):
    counter = o.counters[0]
    ticket = _walk_in(o)
    page = staff.get(reverse("queue_workplace:counter", args=[counter.pk]), **ENGLISH)
    body = _text(page)
    # the primary action first and focused, as a real button in a form
    assert 'data-shortcut="n"' in body and "autofocus" in body
    assert body.index("Call next number") < body.index("Pause")
    assert "A 001" in body  # in the waiting list

    response = _act(staff, counter, "naechste")
    assert response.redirect_chain[-1][1] == 303
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED and ticket.counter == counter
    assert "Called A 001." in _text(response)
    assert f"<dd>{o.registration.name_en}</dd>" in _text(response)  # the current services

    _act(staff, counter, "erneut")
    ticket.refresh_from_db()
    assert ticket.call_count == 2

    _act(staff, counter, "beginnen")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVING

    response = _act(staff, counter, "fertig")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE
    assert "A 001 is done." in _text(response)


def test_next_with_nobody_waiting_says_so(staff, o):
    response = _act(staff, o.counters[0], "naechste")
    assert "Nobody is waiting for this counter." in _text(response)
    assert not Call.objects.exists()


def test_refusals_of_the_core_are_shown(staff, o):
    counter = o.counters[0]
    response = _act(staff, counter, "fertig")
    assert "No ticket is called at this counter." in _text(response)
    _walk_in(o)
    _act(staff, counter, "naechste")
    response = _act(staff, counter, "fertig")  # called, not yet in service
    assert "Only a ticket in service can be finished." in _text(response)
    assert Ticket.objects.get().status == TicketStatus.CALLED


def test_refusals_read_german_in_german(staff, o):
    counter = o.counters[0]
    _act(staff, counter, "pause")
    response = staff.post(
        reverse("queue_workplace:act", args=[counter.pk, "naechste"]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert "Dieser Schalter ist pausiert. Bitte setzen Sie ihn zuerst fort." in _text(response)


def test_not_present_sends_back_then_closes_after_the_last_call(staff, o):
    counter = o.counters[0]
    ticket = _walk_in(o)
    _act(staff, counter, "naechste")
    response = _act(staff, counter, "nicht-erschienen")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING and ticket.counter is None
    assert "A 001 is back in the queue." in _text(response)
    _act(staff, counter, "naechste")
    _act(staff, counter, "erneut")
    response = _act(staff, counter, "nicht-erschienen")
    ticket.refresh_from_db()
    assert ticket.call_count == 3
    assert ticket.status == TicketStatus.NO_SHOW


def test_pause_blocks_next_until_resumed(staff, o):
    counter = o.counters[0]
    _walk_in(o)
    _act(staff, counter, "pause")
    assert CounterState.objects.get(counter=counter).mode == CounterMode.PAUSED
    page = _text(staff.get(reverse("queue_workplace:counter", args=[counter.pk]), **ENGLISH))
    assert "Call next number" not in page and "Resume" in page
    response = _act(staff, counter, "naechste")
    assert "This counter is paused. Please resume first." in _text(response)
    assert not Call.objects.exists()
    _act(staff, counter, "weiter")
    _act(staff, counter, "naechste")
    assert Call.objects.count() == 1


def test_an_unknown_action_is_not_found(staff, o):
    url = reverse("queue_workplace:act", args=[o.counters[0].pk, "loeschen"])
    assert staff.post(url).status_code == 404
    assert staff.get(reverse("queue_workplace:counter", args=[9999])).status_code == 404


def test_forward_to_another_counter_keeps_the_ticket_for_it(staff, o):
    first, second = o.counters
    ticket = _walk_in(o)
    _act(staff, first, "naechste")
    url = reverse("queue_workplace:forward", args=[first.pk])
    response = staff.post(url, {"counter": second.pk}, follow=True, **ENGLISH)
    assert "A 001 was sent on." in _text(response)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING and ticket.for_counter == second
    assert call_next(first, at(8, 31)) is None
    assert call_next(second, at(8, 31)).pk == ticket.pk


def test_forward_to_other_services_and_its_refusals(staff, o):
    first = o.counters[0]
    ticket = _walk_in(o)
    _act(staff, first, "naechste")
    url = reverse("queue_workplace:forward", args=[first.pk])
    response = staff.post(url, {}, follow=True, **ENGLISH)
    assert "Please choose a counter or other services." in _text(response)
    staff.post(url, {"services": ["reisepass", "personalausweis"]}, **ENGLISH)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING
    assert {need.service.slug for need in ticket.needs.all()} == {"reisepass", "personalausweis"}

    lone = counter_make(o.location, "Schalter 9", [o.registration])
    _act(staff, first, "naechste")
    response = staff.post(url, {"counter": lone.pk}, follow=True, **ENGLISH)
    assert "This counter does not offer every service of the ticket." in _text(response)


def test_urgent_flag_from_the_waiting_list(staff, o):
    counter = o.counters[0]
    first = _walk_in(o)
    second = _walk_in(o)
    url = reverse("queue_workplace:urgent", args=[counter.pk, second.pk])
    response = staff.post(url, {"urgent": "1"}, follow=True, **ENGLISH)
    assert "A 002 is urgent." in _text(response)
    second.refresh_from_db()
    assert second.urgent
    _act(staff, counter, "naechste")
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == TicketStatus.CALLED and first.status == TicketStatus.WAITING
    staff.post(url, {"urgent": "0"})
    second.refresh_from_db()
    assert not second.urgent


def test_a_ticket_of_another_location_cannot_be_flagged(staff, o):
    from rathaus.appointments.tests.factories import LocationFactory

    elsewhere = LocationFactory(slug="kirchhellen")
    stranger = counter_make(elsewhere, "Schalter 1", [o.registration])
    ticket = _walk_in(o)
    url = reverse("queue_workplace:urgent", args=[stranger.pk, ticket.pk])
    assert staff.post(url, {"urgent": "1"}).status_code == 404
    ticket.refresh_from_db()
    assert not ticket.urgent


def test_the_counter_screen_shows_the_current_ticket_and_no_names(staff, o, frozen):
    counter = o.counters[0]
    appointment = book(o, 9)
    frozen.move_to(at(8, 50))
    staff.post(
        reverse("queue_workplace:desk-reference", args=[o.location.slug]),
        {"reference": appointment.reference},
    )
    _act(staff, counter, "naechste")
    body = _text(staff.get(reverse("queue_workplace:counter", args=[counter.pk]), **ENGLISH))
    assert "T 001" in body
    assert "09:00" in body and "08:50" in body  # appointment time, checked in
    assert "1 / 3" in body  # calls so far
    assert 'data-shortcut="b"' in body
    desk = _text(staff.get(reverse("queue_workplace:desk", args=[o.location.slug]), **ENGLISH))
    for page in (body, desk):
        assert ANNA.family_name not in page and ANNA.given_name not in page


def test_desk_checks_in_by_reference_and_by_person(staff, o, frozen):
    nine = book(o, 9)
    frozen.move_to(at(8, 50))
    url = reverse("queue_workplace:desk-reference", args=[o.location.slug])
    response = staff.post(url, {"reference": nine.reference.lower()}, follow=True, **ENGLISH)
    assert response.redirect_chain[-1] == (
        reverse("queue_workplace:desk", args=[o.location.slug]),
        303,
    )
    assert "Ticket T 001." in _text(response)
    assert Ticket.objects.get(appointment=nine).status == TicketStatus.WAITING

    url = reverse("queue_workplace:desk-reference", args=[o.location.slug])
    response = staff.post(url, {"reference": "BB-NOPE00"}, follow=True, **ENGLISH)
    assert "No appointment was found for this input." in _text(response)


def test_desk_checks_in_by_name_and_date_of_birth(staff, o, frozen):
    nine = book(o, 9)
    frozen.move_to(at(8, 50))
    url = reverse("queue_workplace:desk-person", args=[o.location.slug])
    response = staff.post(
        url, {"family_name": "schmidt", "date_of_birth": "01.05.1990"}, follow=True, **ENGLISH
    )
    assert "Ticket T 001." in _text(response)
    assert Ticket.objects.filter(appointment=nine).exists()
    response = staff.post(
        url, {"family_name": "Schmidt", "date_of_birth": "kein Datum"}, follow=True, **ENGLISH
    )
    assert 'class="message message-error"' in _text(response)
    assert Ticket.objects.count() == 1


def test_desk_draws_walk_in_numbers(staff, o):
    url = reverse("queue_workplace:desk-walk-in", args=[o.location.slug])
    response = staff.post(url, {"services": ["anmeldung"]}, follow=True, **ENGLISH)
    assert "Ticket A 001." in _text(response)
    response = staff.post(url, {}, follow=True, **ENGLISH)
    assert 'class="message message-error"' in _text(response)
    response = staff.post(url, {"services": ["anmeldung", "beratung"]}, follow=True, **ENGLISH)
    assert Ticket.objects.count() == 2
    assert "A 002" in _text(response)


def test_twenty_counters_each_get_their_own_ticket(staff, o):
    counters = [counter_make(o.location, f"Platz {n}", [o.registration]) for n in range(20)]
    tickets = [_walk_in(o) for _ in range(20)]
    for counter in counters:
        counter_open(counter, at(8, 0))
        _act(staff, counter, "naechste")
    called = Ticket.objects.filter(status=TicketStatus.CALLED)
    assert called.count() == 20
    assert len({ticket.counter_id for ticket in called}) == 20
    assert {ticket.pk for ticket in called} == {ticket.pk for ticket in tickets}


def nu_errors(pages, tmp_path):
    """The Nu Html Checker's errors for {name: response} (skips without Java)."""
    import json
    import subprocess

    from tests.test_html_valid import _checker

    command = _checker()
    for name, response in pages.items():
        assert response.status_code == 200, name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    done = subprocess.run(  # noqa: S603 - the locked checker on our own files
        [*command, "--errors-only", "--format", "json", "--exit-zero-always", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    return [
        (m.get("url", "").rsplit("/", 1)[-1], m.get("message"), m.get("extract", "")[:80])
        for m in messages
        if m.get("type") == "error"
    ]


def test_the_pages_pass_the_nu_html_checker(staff, o, frozen, tmp_path):
    counter = o.counters[0]
    _walk_in(o)
    _walk_in(o, ("reisepass", "anmeldung"))
    frozen.move_to(at(8, 50))
    staff.post(
        reverse("queue_workplace:desk-reference", args=[o.location.slug]),
        {"reference": book(o, 9).reference},
    )
    staff.post(reverse("queue_workplace:urgent", args=[counter.pk, 2]), {"urgent": "1"})
    screen = reverse("queue_workplace:counter", args=[counter.pk])
    pages = {
        "home": staff.get(reverse("queue_workplace:home")),
        "desk": staff.get(reverse("queue_workplace:desk", args=[o.location.slug])),
        "idle": staff.get(screen),
    }
    _act(staff, counter, "naechste")
    pages["called"] = staff.get(screen)
    _act(staff, counter, "beginnen")
    pages["serving"] = staff.get(screen)
    assert not nu_errors(pages, tmp_path)


def test_close_is_refused_with_a_ticket_at_the_counter_and_closes_an_idle_one(staff, o):
    counter = o.counters[0]
    _walk_in(o)
    _act(staff, counter, "naechste")
    response = _act(staff, counter, "schliessen")
    assert "Please finish or send back the current ticket first." in _text(response)
    assert CounterState.objects.get(counter=counter).mode == CounterMode.OPEN
    _act(staff, counter, "beginnen")
    _act(staff, counter, "fertig")
    response = _act(staff, counter, "schliessen")
    assert "The counter is closed." in _text(response)
    assert CounterState.objects.get(counter=counter).mode == CounterMode.CLOSED
    assert "This counter is closed." in _text(response)
