"""Appointments and tickets for the waiting room's tests (fixed dates, explicit `now`)."""

from __future__ import annotations

from datetime import date

from rathaus.appointments.constants import Channel
from rathaus.appointments.selectors import PersonNeed
from rathaus.appointments.services.booking import PersonDetails
from rathaus.appointments.services.staff import appointment_book_by_staff
from rathaus.appointments.tests.factories import NOW, at

ANNA = PersonDetails("Anna", "Schmidt", date(1990, 5, 1))
BEN = PersonDetails("Ben", "Berg", date(1985, 2, 3))


def book(o, hour, minute=0, *, person=ANNA, services=(("reisepass", 1),)):
    return appointment_book_by_staff(
        location=o.location,
        needs=[PersonNeed(tuple(services))],
        start=at(hour, minute),
        persons=[person],
        channel=Channel.PHONE,
        actor=None,
        phone="02041 70 0",
        now=NOW,
    )
