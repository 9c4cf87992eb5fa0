"""Retention: personal data of an appointment is erased 30 days after it, unless held."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rathaus.appointments.constants import RETENTION_DAYS, AppointmentStatus
from rathaus.appointments.models import Appointment, StandbyEntry
from rathaus.appointments.selectors import PersonNeed, plan_make
from rathaus.appointments.services.booking import PersonDetails, appointment_book
from rathaus.appointments.services.cancel import appointment_cancel
from rathaus.appointments.services.jobs import jobs_run
from rathaus.appointments.services.retention import (
    _holds,
    appointments_erase,
    retention_hold_register,
)
from rathaus.appointments.services.standby import standby_join
from rathaus.audit.models import AuditEntry
from rathaus.scheduling.models import BookingIdentity

from .factories import MONDAY, NOW, at, office

pytestmark = pytest.mark.django_db

ANNA = PersonDetails("Anna", "Schmidt", date(1990, 5, 1))
BEN = PersonDetails("Ben", "Berg", date(1970, 5, 1))


def booked(o, hour, person, email):
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    appointment = appointment_book(
        plan=plan, start=at(hour), persons=[person], email=email, now=NOW, confirmed=True
    )
    Appointment.objects.filter(pk=appointment.pk).update(note="ruft zurück", phone="0201 123")
    return appointment


def test_personal_data_goes_30_days_after_the_appointment_the_numbers_stay():
    o = office()
    anna = booked(o, 9, ANNA, "anna@example.org")
    ben = booked(o, 10, BEN, "ben@example.org")
    appointment_cancel(appointment=ben, now=NOW, reason="Umzug nach Essen")
    day_after = at(9) + timedelta(days=RETENTION_DAYS)
    assert appointments_erase(now=day_after - timedelta(minutes=1)) == 1  # ben: cancelled
    assert appointments_erase(now=day_after + timedelta(hours=1)) == 1  # anna
    assert appointments_erase(now=day_after + timedelta(hours=2)) == 0  # idempotent
    for appointment in (anna, ben):
        appointment.refresh_from_db()
        assert appointment.erased_at is not None
        assert appointment.email == appointment.phone == appointment.note == ""
        assert appointment.cancelled_reason == "" and appointment.carried_over == {}
        person = appointment.persons.get()
        assert (person.given_name, person.family_name, person.date_of_birth) == ("", "", None)
        assert person.requests.get().service == o.passport  # kept for the statistics
        assert not BookingIdentity.objects.filter(booking_id=appointment.booking_id).exists()
    assert anna.status == AppointmentStatus.CONFIRMED and anna.start == at(9)
    reasons = [entry.data.get("reason") for entry in AuditEntry.objects.all()]
    assert "Umzug nach Essen" not in reasons
    codes = set(AuditEntry.objects.values_list("code", flat=True))
    assert "appointments.erased" in codes


def test_an_appointment_still_needed_is_kept():
    o = office()
    anna = booked(o, 9, ANNA, "anna@example.org")

    def hold(candidates):
        return {anna.pk}

    retention_hold_register(hold)
    try:
        assert appointments_erase(now=at(9) + timedelta(days=RETENTION_DAYS + 1)) == 0
    finally:
        _holds.remove(hold)
    assert appointments_erase(now=at(9) + timedelta(days=RETENTION_DAYS + 1)) == 1


def test_the_jobs_purge_standby_entries_after_their_period():
    o = office()
    standby_join(
        location_slug=o.location.slug,
        needs=[PersonNeed((("reisepass", 1),))],
        persons=[ANNA],
        email="anna@example.org",
        earliest=MONDAY,
        latest=MONDAY,
    )
    assert jobs_run(now=at(9))["standby_purged"] == 0
    assert jobs_run(now=at(9) + timedelta(days=1))["standby_purged"] == 1
    assert not StandbyEntry.objects.exists()
