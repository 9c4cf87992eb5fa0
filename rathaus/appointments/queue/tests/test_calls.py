"""The clerk's side: the order of the queue, which counter may call what, calls and recalls,
not present and no-show, start and finish, moving, pausing, urgent."""

from __future__ import annotations

import pytest

from rathaus.appointments.constants import AppointmentStatus
from rathaus.appointments.queue.constants import CallKind, CounterMode, TicketStatus
from rathaus.appointments.queue.models import Call, CounterState, Ticket
from rathaus.appointments.queue.services import (
    QueueRefused,
    call_again,
    call_next,
    checkin,
    finish,
    flag_urgent,
    move,
    not_present,
    pause,
    queue_get,
    resume,
    start,
    ticket_issue,
)
from rathaus.appointments.tests.factories import at, counter_make, office

from .helpers import BEN, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def o():
    return office()


def walk_in(o, minute, services=("anmeldung",), hour=8):
    return ticket_issue(location=o.location, services=list(services), now=at(hour, minute))


def drain(counter, now):
    """Call, start and finish one ticket after the other; the numbers in call order."""
    order = []
    while ticket := call_next(counter, now):
        order.append(ticket.number)
        start(ticket, now)
        finish(ticket, now=now)
    return order


def test_urgent_first_then_due_appointments_by_start_then_the_longest_waiting(o):
    queue = queue_get(o.location)
    queue.checkin_before_minutes = 45
    queue.save()
    a1 = walk_in(o, 0)
    a2 = walk_in(o, 5)
    nine = checkin(location=o.location, appointment=book(o, 9), now=at(8, 50))
    ten = checkin(location=o.location, appointment=book(o, 9, 30, person=BEN), now=at(8, 46))
    a3 = walk_in(o, 51)
    flag_urgent(a3)
    assert (nine.number, ten.number) == ("T 001", "T 002")
    # 09:00: the 09:00 appointment is due; the 09:30 one is not yet and waits like a walk-in.
    order = drain(o.counters[0], at(9))
    assert order == [a3.number, nine.number, a1.number, a2.number, ten.number]


def test_an_appointment_becomes_due_the_lead_before_its_start(o):
    a1 = walk_in(o, 0)
    nine = checkin(location=o.location, appointment=book(o, 9), now=at(8, 50))
    assert call_next(o.counters[0], at(8, 54)).pk == a1.pk
    assert call_next(o.counters[1], at(8, 55)).pk == nine.pk
    queue = queue_get(o.location)
    assert queue.due_lead_minutes == 5


def test_a_counter_calls_only_tickets_whose_every_service_it_offers(o):
    narrow = counter_make(o.location, "Schalter 9", [o.registration])
    both = walk_in(o, 0, ("anmeldung", "reisepass"))
    only_registration = walk_in(o, 1)
    assert call_next(narrow, at(9)).pk == only_registration.pk
    finish_now = at(9)
    start(Ticket.objects.get(pk=only_registration.pk), finish_now)
    finish(Ticket.objects.get(pk=only_registration.pk), now=finish_now)
    assert call_next(narrow, at(9, 1)) is None
    assert call_next(o.counters[0], at(9, 1)).pk == both.pk


def test_an_emergency_counter_calls_urgent_tickets_only(o):
    emergency = counter_make(o.location, "Notdienst", [o.registration])
    emergency.emergency_only = True
    emergency.save()
    plain = walk_in(o, 0)
    assert call_next(emergency, at(9)) is None
    flag_urgent(plain)
    assert call_next(emergency, at(9)).pk == plain.pk


def test_every_call_and_recall_is_a_row_the_display_catches_up_from(o):
    walk_in(o, 0)
    ticket = call_next(o.counters[0], at(9))
    call_again(ticket, at(9, 1))
    calls = list(Call.objects.order_by("pk"))
    assert [(c.kind, c.counter_id) for c in calls] == [
        (CallKind.CALL, o.counters[0].pk),
        (CallKind.RECALL, o.counters[0].pk),
    ]
    assert calls[0].pk < calls[1].pk
    assert Ticket.objects.get(pk=ticket.pk).call_count == 2


def test_a_counter_serves_one_ticket_at_a_time(o):
    walk_in(o, 0)
    walk_in(o, 1)
    call_next(o.counters[0], at(9))
    with pytest.raises(QueueRefused, match="current ticket"):
        call_next(o.counters[0], at(9, 1))


def test_not_present_sends_back_then_makes_a_no_show_after_three_calls(o):
    appointment = book(o, 9)
    ticket = checkin(location=o.location, appointment=appointment, now=at(8, 50))
    later = walk_in(o, 55)
    counter = o.counters[0]
    assert call_next(counter, at(9)).pk == ticket.pk
    back = not_present(ticket, now=at(9, 2))
    assert back.status == TicketStatus.WAITING and back.counter is None
    # It waits anew from 09:02: the walk-in from 08:55 goes first.
    assert call_next(counter, at(9, 3)).pk == later.pk
    start(later, at(9, 3))
    finish(later, now=at(9, 10))
    again = call_next(counter, at(9, 10))
    assert again.pk == ticket.pk
    call_again(again, at(9, 11))
    assert Ticket.objects.get(pk=ticket.pk).call_count == 3
    gone = not_present(again, now=at(9, 12))
    assert gone.status == TicketStatus.NO_SHOW
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW
    assert appointment.finished_at == at(9, 12)


def test_the_number_of_calls_before_a_no_show_is_a_rule(o):
    queue = queue_get(o.location)
    queue.max_calls = 1
    queue.save()
    ticket = walk_in(o, 0)
    call_next(o.counters[0], at(9))
    assert not_present(ticket, now=at(9, 1)).status == TicketStatus.NO_SHOW


def test_finish_marks_the_appointment_done(o):
    appointment = book(o, 9)
    checkin(location=o.location, appointment=appointment, now=at(8, 50))
    ticket = call_next(o.counters[0], at(9))
    with pytest.raises(QueueRefused):
        finish(ticket, now=at(9, 1))  # not started
    start(ticket, at(9, 1))
    done = finish(ticket, now=at(9, 14))
    assert (done.started_at, done.finished_at) == (at(9, 1), at(9, 14))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.DONE


def test_move_to_another_counter_keeps_the_place(o):
    first = walk_in(o, 0)
    second = walk_in(o, 1)
    ticket = call_next(o.counters[0], at(9))
    assert ticket.pk == first.pk
    moved = move(ticket, counter=o.counters[1], now=at(9, 2))
    assert moved.status == TicketStatus.WAITING and moved.for_counter == o.counters[1]
    assert call_next(o.counters[0], at(9, 3)).pk == second.pk
    assert call_next(o.counters[1], at(9, 3)).pk == first.pk


def test_move_to_other_services_needs_a_counter_that_does_them(o):
    narrow = counter_make(o.location, "Schalter 9", [o.registration])
    ticket = walk_in(o, 0)
    call_next(narrow, at(9))
    moved = move(ticket, services=["reisepass"], now=at(9, 1))
    assert [n.service.slug for n in moved.needs.all()] == ["reisepass"]
    assert call_next(narrow, at(9, 2)) is None
    assert call_next(o.counters[0], at(9, 2)).pk == ticket.pk
    with pytest.raises(QueueRefused, match="does not offer"):
        move(ticket, counter=narrow, now=at(9, 3))


def test_a_paused_counter_calls_nobody_until_it_resumes(o):
    walk_in(o, 0)
    counter = o.counters[0]
    pause(counter, at(8, 30))
    assert CounterState.objects.get(counter=counter).mode == CounterMode.PAUSED
    with pytest.raises(QueueRefused, match="paused"):
        call_next(counter, at(9))
    resume(counter, at(9))
    assert call_next(counter, at(9)) is not None


def test_a_closed_ticket_cannot_be_flagged_or_moved(o):
    ticket = walk_in(o, 0)
    call_next(o.counters[0], at(9))
    start(ticket, at(9))
    finish(ticket, now=at(9, 5))
    with pytest.raises(QueueRefused, match="closed"):
        flag_urgent(ticket)
    with pytest.raises(QueueRefused, match="closed"):
        move(ticket, counter=o.counters[1], now=at(9, 6))
