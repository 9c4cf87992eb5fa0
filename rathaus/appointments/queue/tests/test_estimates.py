"""Measured durations (samples, moving median, fallback), waiting-time estimates, the queue
state for the display, the drift list and adopting a measured duration."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rathaus.appointments.models import Service
from rathaus.appointments.queue.estimates import duration, estimates
from rathaus.appointments.queue.models import Sample
from rathaus.appointments.queue.selectors import duration_drift, queue_state, ticket_place
from rathaus.appointments.queue.services import (
    call_again,
    call_next,
    checkin,
    counter_open,
    duration_adopt,
    finish,
    pause,
    start,
    ticket_issue,
)
from rathaus.appointments.tests.factories import at, office
from rathaus.audit.models import AuditEntry

from .helpers import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def o():
    return office()


def samples(o, service, values, *, first=None):
    first = first or at(8)
    Sample.objects.bulk_create(
        Sample(service=service, location=o.location, minutes=value,
               finished_at=first + timedelta(minutes=index))
        for index, value in enumerate(values)
    )  # fmt: skip


def test_finishing_splits_the_time_over_the_services_by_catalogue_minutes(o):
    ticket = ticket_issue(
        location=o.location, services=["anmeldung", "anmeldung", "reisepass"], now=at(8)
    )
    call_next(o.counters[0], at(9))
    start(ticket, at(9))
    finish(ticket, now=at(9, 35))  # planned 2 × 10 + 15 = 35 minutes, took 35
    got = {(s.service.slug, s.count): s.minutes for s in Sample.objects.all()}
    assert got == {("anmeldung", 2): pytest.approx(10), ("reisepass", 1): pytest.approx(15)}
    ticket = ticket_issue(location=o.location, services=["anmeldung", "reisepass"], now=at(9))
    call_next(o.counters[0], at(10))
    start(ticket, at(10))
    finish(ticket, now=at(10, 50))  # planned 25, took 50: twice as long each
    assert sorted(Sample.objects.filter(ticket=ticket).values_list("minutes", flat=True)) == [
        pytest.approx(20),
        pytest.approx(30),
    ]


def test_the_catalogue_stands_until_five_samples_then_the_median(o):
    samples(o, o.passport, [30, 31, 32, 33])
    assert duration(o.passport, at(12)).minutes == 15
    assert duration(o.passport, at(12)).samples == 4
    samples(o, o.passport, [100], first=at(9))
    assert duration(o.passport, at(12)).minutes == 32


def test_the_median_takes_the_last_fifty_of_thirty_days(o):
    samples(o, o.registration, [99] * 20, first=at(8) - timedelta(days=31))
    samples(o, o.registration, [50] * 10, first=at(7))
    samples(o, o.registration, [12] * 50, first=at(8))
    measured = duration(o.registration, at(12))
    assert (measured.measured, measured.samples) == (12, 50)
    assert duration(o.registration, at(7, 30)).measured == 50  # the later ones not yet


def test_the_wait_is_the_work_ahead_divided_by_the_able_open_counters(o):
    tickets = [ticket_issue(location=o.location, services=["anmeldung"], now=at(8, m))
               for m in range(4)]  # fmt: skip
    now = at(8, 10)
    assert all(e.minutes is None for e in estimates(o.location, now).values())  # none open
    for counter in o.counters:
        counter_open(counter, now)
    waits = estimates(o.location, now)
    assert [waits[t.pk].minutes for t in tickets] == [0, 5, 10, 15]
    assert [waits[t.pk].position for t in tickets] == [1, 2, 3, 4]
    pause(o.counters[1], now)
    waits = estimates(o.location, now)
    assert [waits[t.pk].minutes for t in tickets] == [0, 10, 20, 30]


def test_the_wait_counts_what_remains_at_the_counters_and_measured_durations(o):
    samples(o, o.registration, [20] * 5)
    for counter in o.counters:
        counter_open(counter, at(8))
    served = ticket_issue(location=o.location, services=["anmeldung"], now=at(8))
    waiting = ticket_issue(location=o.location, services=["anmeldung"], now=at(8, 1))
    call_next(o.counters[0], at(9))
    start(served, at(9))
    # 5 minutes in: 15 left at one counter, nothing at the other.
    assert estimates(o.location, at(9, 5))[waiting.pk].minutes == pytest.approx(7.5)


def test_only_counters_that_do_the_services_count(o):
    o.counters[1].services.set([o.registration])
    for counter in o.counters:
        counter_open(counter, at(8))
    first = ticket_issue(location=o.location, services=["reisepass"], now=at(8))
    second = ticket_issue(location=o.location, services=["reisepass"], now=at(8, 1))
    registration = ticket_issue(location=o.location, services=["anmeldung"], now=at(8, 2))
    waits = estimates(o.location, at(8, 5))
    assert waits[second.pk].minutes == 15  # one counter does passports
    assert waits[registration.pk].minutes == pytest.approx(15)  # 30 minutes ahead, 2 counters
    assert first.pk in waits


def test_the_place_of_a_ticket_and_the_display_state(o):
    counter_open(o.counters[0], at(8))
    first = ticket_issue(location=o.location, services=["anmeldung"], now=at(8))
    second = ticket_issue(location=o.location, services=["anmeldung"], now=at(8, 1))
    place = ticket_place(second, at(8, 2))
    assert (place.number, place.position, place.ahead, place.minutes) == ("A 002", 2, 1, 10)
    call_next(o.counters[0], at(8, 3))
    called = ticket_place(first, at(8, 3))
    assert (called.status, called.counter, called.position) == ("called", "Schalter 1", None)
    state = queue_state(o.location, at(8, 4))
    assert state.waiting == 1
    assert [(line.number, line.counter) for line in state.current] == [("A 001", "Schalter 1")]
    seen = state.last_call_id
    call_again(first, at(8, 5))
    state = queue_state(o.location, at(8, 5), since=seen)
    assert [(line.number, line.kind) for line in state.calls] == [("A 001", "recall")]
    assert state.last_call_id > seen
    assert state.walk_in_minutes == 20  # A 001 (not started) and A 002 at one counter


def test_the_drift_lists_services_more_than_twenty_percent_off(o):
    samples(o, o.passport, [20] * 5)  # configured 15: +33 %
    samples(o, o.registration, [11] * 5)  # configured 10: +10 %
    samples(o, o.id_card, [5] * 4)  # too few
    drift = duration_drift(at(12))
    assert [(d.service.slug, d.configured, d.measured, d.samples) for d in drift] == [
        ("reisepass", 15, 20, 5)
    ]
    assert drift[0].percent == pytest.approx(33.33, abs=0.01)


def test_adopting_a_duration_goes_through_the_audited_catalogue_edit(o):
    duration_adopt(o.passport, 20, None)
    assert Service.objects.get(pk=o.passport.pk).minutes == 20
    entry = AuditEntry.objects.get(code="appointments.service_changed")
    assert entry.object_id == str(o.passport.pk)
    assert [(c["field"], c["before"], c["after"]) for c in entry.data["changes"]] == [
        ("minutes", 15, 20)
    ]
    assert set(o.passport.locations.all()) == {o.location}


def test_an_appointment_not_yet_due_waits_at_least_until_its_time(o):
    counter_open(o.counters[0], at(8, 40))
    ticket = checkin(location=o.location, appointment=book(o, 9), now=at(8, 45))
    assert estimates(o.location, at(8, 45))[ticket.pk].minutes == 10  # due at 08:55


def test_a_counter_left_open_yesterday_does_not_count_today(o):
    counter_open(o.counters[0], at(16, 0, date(2027, 6, 4)))
    ticket = ticket_issue(location=o.location, services=["anmeldung"], now=at(8))
    assert estimates(o.location, at(8, 1))[ticket.pk].minutes is None
    call_next(o.counters[0], at(8, 2))
    waiting = ticket_issue(location=o.location, services=["anmeldung"], now=at(8, 3))
    assert estimates(o.location, at(8, 3))[waiting.pk].minutes == 10
