"""The simulated year: its shape, and that no two appointments that hold a counter overlap."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from itertools import pairwise

import pytest
from django.core.management import call_command

from rathaus.appointments.constants import AppointmentStatus, Channel
from rathaus.appointments.models import Appointment, Person, Request
from rathaus.appointments.selectors import counters_kept_for_same_day
from rathaus.appointments.statistics.services import CANCEL_RATE, appointments_simulate
from rathaus.core.timezone import BERLIN
from rathaus.scheduling.models import Allocation

from .factories import office

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 10, 1, 12, tzinfo=BERLIN)
COUNT = 800


def test_a_simulated_year_has_the_shape_of_a_year():
    o = office(counters=3, same_day_percent=30)
    result = appointments_simulate(year=2027, count=COUNT, seed=7, now=NOW)
    appointments = list(Appointment.objects.all())
    assert result.appointments == len(appointments) == COUNT
    cancelled = [a for a in appointments if a.status == AppointmentStatus.CANCELLED]
    assert len(cancelled) == round(COUNT * CANCEL_RATE)
    assert {a.start.year for a in appointments} == {2027}

    # no two appointments that hold a counter overlap on it
    held = [a for a in appointments if a.status != AppointmentStatus.CANCELLED]
    counter_of = dict(Person.objects.values_list("appointment_id", "counter_id"))
    by_counter = defaultdict(list)
    for appointment in held:
        by_counter[counter_of[appointment.pk]].append((appointment.start, appointment.end))
    for spans in by_counter.values():
        spans.sort()
        assert all(end <= following for (_s, end), (following, _e) in pairwise(spans))
    assert Allocation.objects.filter(active=True).count() == sum(
        1 for a in held if a.status == AppointmentStatus.CONFIRMED
    )

    # outcomes: decided before `now`, confirmed after; 10–20 % no-shows (± a small sample)
    for appointment in held:
        assert (appointment.start >= NOW) == (appointment.status == AppointmentStatus.CONFIRMED)
    decided = [a for a in held if a.status in (AppointmentStatus.DONE, AppointmentStatus.NO_SHOW)]
    no_shows = sum(1 for a in decided if a.status == AppointmentStatus.NO_SHOW)
    assert 0.05 <= no_shows / len(decided) <= 0.25

    # channels and lead times
    kept = counters_kept_for_same_day(o.location)
    for appointment in held:
        lead = (appointment.start.astimezone(BERLIN).date()
                - appointment.booked_at.astimezone(BERLIN).date()).days  # fmt: skip
        assert 0 <= lead <= o.location.horizon_days
        assert appointment.booked_at < appointment.start
        assert (appointment.channel == Channel.SAME_DAY) == (counter_of[appointment.pk] in kept)
    assert {a.channel for a in held} >= {Channel.ONLINE, Channel.PHONE, Channel.SAME_DAY}

    # persons and services: families, and minutes that add up to the appointment's length
    persons = defaultdict(int)
    for appointment_id in Person.objects.values_list("appointment_id", flat=True):
        persons[appointment_id] += 1
    assert max(persons.values()) > 1
    minutes = defaultdict(int)
    for appointment_id, planned in Request.objects.values_list("person__appointment_id", "minutes"):
        minutes[appointment_id] += planned
    for appointment in appointments:
        assert appointment.minutes == minutes[appointment.pk]


def test_the_command_refuses_a_second_run_and_replaces_on_request(capsys):
    office()
    call_command("appointments_simulate", year=2027, count=50, seed=1)
    with pytest.raises(Exception, match="already"):
        call_command("appointments_simulate", year=2027, count=50, seed=1)
    call_command("appointments_simulate", year=2027, count=60, seed=2, replace=True)
    assert Appointment.objects.count() == 60
