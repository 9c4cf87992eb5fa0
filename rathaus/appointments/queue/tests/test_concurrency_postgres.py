"""Eight counters press "next" at the same moment, and twelve people take a ticket at the same
moment (PostgreSQL, real threads with their own connections): no ticket is called twice, no
number is issued twice."""

from __future__ import annotations

import pytest

from rathaus.appointments.queue.models import Call, Ticket
from rathaus.appointments.queue.services import call_next, ticket_issue
from rathaus.appointments.tests.factories import at, office
from rathaus.scheduling.tests.concurrency import race, tally

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

COUNTERS = 8


def test_counters_pressing_next_at_once_never_share_a_ticket():
    o = office(counters=COUNTERS)
    for minute in range(COUNTERS - 2):  # fewer tickets than counters: two must get none
        ticket_issue(location=o.location, services=["anmeldung"], now=at(8, minute))

    def press(index, barrier):
        barrier.wait()
        ticket = call_next(o.counters[index], at(9))
        return ticket.pk if ticket else None

    outcomes = race(COUNTERS, press)
    assert tally(outcomes) == {"ok": COUNTERS}
    called = [outcome.value for outcome in outcomes if outcome.value is not None]
    assert len(called) == COUNTERS - 2
    assert len(set(called)) == len(called)
    assert Call.objects.count() == COUNTERS - 2
    assert set(Ticket.objects.values_list("status", flat=True)) == {"called"}
    assert Ticket.objects.values("counter").distinct().count() == COUNTERS - 2


def test_tickets_taken_at_once_get_distinct_numbers():
    o = office()

    def take(index, barrier):
        barrier.wait()
        return ticket_issue(location=o.location, services=["anmeldung"], now=at(8)).number

    outcomes = race(12, take)
    assert tally(outcomes) == {"ok": 12}
    assert sorted(outcome.value for outcome in outcomes) == [f"A {n:03d}" for n in range(1, 13)]
