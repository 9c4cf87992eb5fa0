"""The standby list gets a freed time at once; everyone else only after the quarantine."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rathaus.appointments.constants import AppointmentStatus, Channel
from rathaus.appointments.models import StandbyEntry
from rathaus.appointments.selectors import PersonNeed, free_times, plan_make
from rathaus.appointments.services.booking import (
    BookingRefused,
    PersonDetails,
    appointment_book,
)
from rathaus.appointments.services.standby import (
    standby_join,
    standby_offer_freed,
    standby_purge,
)
from rathaus.core.models import OutboxMessage

from .factories import MONDAY, NOW, at, later, office

pytestmark = pytest.mark.django_db

PASSPORT = [PersonNeed((("reisepass", 1),))]


def booked(o, hour, name):
    plan = plan_make(o.location, PASSPORT)
    return appointment_book(
        plan=plan, start=at(hour), persons=[PersonDetails(name, "X", date(1980, 1, 1))],
        email=f"{name.lower()}@example.org", now=NOW, confirmed=True,
    )  # fmt: skip


def test_a_cancelled_time_goes_to_the_first_fitting_standby_entry():
    o = office(counters=1)
    first = booked(o, 9, "Anna")
    too_late = standby_join(
        location_slug="rathaus", needs=PASSPORT,
        persons=[PersonDetails("Late", "Y", date(1990, 1, 1))], email="late@example.org",
        earliest=MONDAY + timedelta(days=1), latest=MONDAY + timedelta(days=7),
    )  # fmt: skip
    waiting = standby_join(
        location_slug="rathaus", needs=PASSPORT,
        persons=[PersonDetails("Wait", "Z", date(1990, 1, 1))], email="wait@example.org",
        earliest=MONDAY, latest=MONDAY,
    )  # fmt: skip
    from rathaus.appointments.services.booking import appointment_cancel_only

    appointment_cancel_only(appointment=first, now=NOW)
    # everyone else sees nothing at 9:00 during the quarantine
    plan = plan_make(o.location, PASSPORT)
    assert at(9) not in [
        t.start for t in free_times(plan, MONDAY, MONDAY, now=later(NOW, minutes=1))
    ]
    offered = standby_offer_freed(appointment_id=first.pk, now=later(NOW, minutes=1))
    assert offered is not None and offered.start == at(9)
    assert offered.channel == Channel.STANDBY and offered.status == AppointmentStatus.PENDING
    waiting.refresh_from_db()
    too_late.refresh_from_db()
    assert not waiting.active and waiting.offered == offered
    assert too_late.active
    assert any(
        offered.reference in subject
        for subject in OutboxMessage.objects.values_list("subject", flat=True)
    )


def test_an_entry_that_does_not_fit_is_left_waiting():
    o = office(counters=1)
    short = booked(o, 9, "Anna")
    long_needs = [PersonNeed((("personalausweis", 1), ("reisepass", 1)))]  # 35 > 15 minutes
    entry = standby_join(
        location_slug="rathaus", needs=long_needs,
        persons=[PersonDetails("Long", "L", date(1990, 1, 1))], email="long@example.org",
        earliest=MONDAY, latest=MONDAY,
    )  # fmt: skip
    from rathaus.appointments.services.booking import appointment_cancel_only

    appointment_cancel_only(appointment=short, now=NOW)
    assert standby_offer_freed(appointment_id=short.pk, now=NOW) is None
    entry.refresh_from_db()
    assert entry.active


def test_joining_needs_a_valid_period_and_address_and_old_entries_are_purged():
    office()
    with pytest.raises(BookingRefused):
        standby_join(location_slug="rathaus", needs=PASSPORT, persons=[], email="a@example.org",
                     earliest=MONDAY, latest=MONDAY - timedelta(days=1))  # fmt: skip
    with pytest.raises(BookingRefused):
        standby_join(location_slug="rathaus", needs=PASSPORT, persons=[], email="",
                     earliest=MONDAY, latest=MONDAY)  # fmt: skip
    standby_join(location_slug="rathaus", needs=PASSPORT,
                 persons=[PersonDetails("A", "B", date(1990, 1, 1))], email="a@example.org",
                 earliest=MONDAY, latest=MONDAY)  # fmt: skip
    assert standby_purge(now=at(12)) == 0
    assert standby_purge(now=at(12, day=MONDAY + timedelta(days=1))) == 1
    assert not StandbyEntry.objects.exists()
