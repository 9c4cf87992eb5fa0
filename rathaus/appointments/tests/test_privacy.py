"""Art. 15/17 for appointments and standby entries: one person's data out, another's stays."""

from __future__ import annotations

from datetime import date

import pytest

from rathaus.appointments.constants import AppointmentStatus
from rathaus.appointments.models import StandbyEntry
from rathaus.appointments.selectors import PersonNeed, plan_make
from rathaus.appointments.services.booking import PersonDetails, appointment_book
from rathaus.appointments.services.standby import standby_join
from rathaus.core.privacy import privacy_erase, privacy_export

from .factories import MONDAY, NOW, at, office

pytestmark = pytest.mark.django_db


def book(o, hour, given, email):
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    return appointment_book(
        plan=plan,
        start=at(hour),
        persons=[PersonDetails(given, "Schmidt", date(1990, 5, 1))],
        email=email,
        now=NOW,
        confirmed=True,
    )


def test_export_then_erase_one_address_while_another_stays():
    o = office()
    anna = book(o, 9, "Anna", "Anna@Example.org")
    ben = book(o, 10, "Ben", "ben@example.org")
    standby_join(
        location_slug=o.location.slug,
        needs=[PersonNeed((("reisepass", 1),))],
        persons=[PersonDetails("Anna", "Schmidt", date(1990, 5, 1))],
        email="anna@example.org",
        earliest=MONDAY,
        latest=MONDAY,
    )
    export = privacy_export(email="anna@example.org", now=NOW)
    keys = {section.key for _provider, section in export.sections}
    assert {"appointments.appointments", "appointments.standby"} <= keys
    text = export.as_json()
    assert anna.reference in text and "Anna" in text and ben.reference not in text
    assert anna.token_nonce not in text

    erasure = privacy_erase(email="anna@example.org", now=NOW)
    result = erasure.by_app()["appointments"]
    assert result.cancelled == 1 and result.erased == 2  # the appointment, the standby entry
    anna.refresh_from_db()
    assert anna.status == AppointmentStatus.CANCELLED and anna.erased_at and not anna.email
    assert anna.persons.get().given_name == ""
    assert not StandbyEntry.objects.exists()
    ben.refresh_from_db()
    assert ben.status == AppointmentStatus.CONFIRMED and ben.email == "ben@example.org"
    again = privacy_erase(email="anna@example.org", now=NOW).by_app()["appointments"]
    assert (again.erased, again.cancelled) == (0, 0)
    assert not [
        section
        for provider, section in privacy_export(email="anna@example.org", now=NOW).sections
        if provider.app_label == "appointments"
    ]
