"""Check-in: the window before the start, the late policy, the person look-up, idempotence."""

from __future__ import annotations

from datetime import date

import pytest

from rathaus.appointments.queue.constants import LatePolicy, TicketKind, TicketStatus
from rathaus.appointments.queue.models import Ticket
from rathaus.appointments.queue.services import (
    QueueRefused,
    checkin,
    checkin_by_person,
    checkin_by_reference,
    queue_get,
)
from rathaus.appointments.tests.factories import LocationFactory, at, office

from .helpers import BEN, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def o():
    return office()


def test_check_in_opens_fifteen_minutes_before_the_start(o):
    appointment = book(o, 9)
    with pytest.raises(QueueRefused, match=r"opens at 8:45 a\.m\."):
        checkin_by_reference(location=o.location, reference=appointment.reference, now=at(8, 44))
    ticket = checkin_by_reference(
        location=o.location, reference=appointment.reference.lower(), now=at(8, 45)
    )
    assert ticket.kind == TicketKind.APPOINTMENT
    assert ticket.number == "T 001"
    assert ticket.due_at == appointment.start
    assert ticket.status == TicketStatus.WAITING
    assert [(n.service.slug, n.count) for n in ticket.needs.all()] == [("reisepass", 1)]


def test_the_window_is_a_rule_of_the_location(o):
    queue = queue_get(o.location)
    queue.checkin_before_minutes = 30
    queue.save()
    appointment = book(o, 9)
    assert checkin(location=o.location, appointment=appointment, now=at(8, 30))


def test_checking_in_twice_gives_the_same_ticket(o):
    appointment = book(o, 9)
    first = checkin(location=o.location, appointment=appointment, now=at(8, 50))
    again = checkin(location=o.location, appointment=appointment, now=at(8, 55))
    assert again.pk == first.pk
    assert Ticket.objects.count() == 1


def test_up_to_the_grace_an_appointment_keeps_its_time(o):
    appointment = book(o, 9)
    ticket = checkin(location=o.location, appointment=appointment, now=at(9, 5))
    assert ticket.kind == TicketKind.APPOINTMENT and ticket.due_at == appointment.start


def test_later_arrivals_get_a_walk_in_number_by_default(o):
    appointment = book(o, 9)
    ticket = checkin(location=o.location, appointment=appointment, now=at(9, 6))
    assert ticket.kind == TicketKind.WALK_IN
    assert ticket.number == "A 001"
    assert ticket.due_at is None
    assert ticket.appointment == appointment


def test_later_arrivals_are_refused_where_the_location_says_so(o):
    queue = queue_get(o.location)
    queue.late_policy = LatePolicy.REFUSE
    queue.late_grace_minutes = 10
    queue.save()
    appointment = book(o, 9)
    assert checkin(location=o.location, appointment=book(o, 9, person=BEN), now=at(9, 10))
    with pytest.raises(QueueRefused, match="11 minutes late"):
        checkin(location=o.location, appointment=appointment, now=at(9, 11))
    assert not Ticket.objects.filter(appointment=appointment).exists()


def test_another_day_another_location_or_a_cancelled_one_are_refused(o):
    appointment = book(o, 9)
    with pytest.raises(QueueRefused, match="on 06/07/2027, not today"):
        checkin(location=o.location, appointment=appointment, now=at(8, 50, date(2027, 6, 4)))
    elsewhere = LocationFactory(slug="kirchhellen")
    with pytest.raises(QueueRefused, match="another location"):
        checkin(location=elsewhere, appointment=appointment, now=at(8, 50))
    appointment.status = "cancelled"
    appointment.save()
    with pytest.raises(QueueRefused, match=r"cannot be checked in \(status: Cancelled\)"):
        checkin(location=o.location, appointment=appointment, now=at(8, 50))


def test_unknown_reference_is_refused(o):
    with pytest.raises(QueueRefused, match="No appointment was found"):
        checkin_by_reference(location=o.location, reference="BB999999", now=at(8, 50))


def test_check_in_by_family_name_and_date_of_birth(o):
    book(o, 9)
    ben = book(o, 10, person=BEN)
    ticket = checkin_by_person(
        location=o.location, family_name=" berg ", date_of_birth=date(1985, 2, 3), now=at(9, 50)
    )
    assert ticket.appointment == ben
    with pytest.raises(QueueRefused, match="No appointment was found"):
        checkin_by_person(
            location=o.location, family_name="Berg", date_of_birth=date(1985, 2, 4), now=at(9, 50)
        )
