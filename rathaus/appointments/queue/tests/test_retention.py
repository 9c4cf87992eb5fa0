"""Queue data is deleted thirty days after its day, by the appointments' job run."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rathaus.appointments.queue.models import Call, Sample, Ticket, TicketService
from rathaus.appointments.queue.services import call_next, finish, start, ticket_issue
from rathaus.appointments.services.jobs import jobs_run
from rathaus.appointments.tests.factories import MONDAY, at, office

pytestmark = pytest.mark.django_db


def served(o, day):
    ticket = ticket_issue(location=o.location, services=["anmeldung"], now=at(8, 0, day))
    call_next(o.counters[0], at(9, 0, day))
    start(ticket, at(9, 0, day))
    return finish(ticket, now=at(9, 10, day))


def test_tickets_calls_and_samples_go_after_thirty_days():
    o = office()
    old = served(o, MONDAY)
    recent = served(o, MONDAY + timedelta(days=1))
    assert Sample.objects.count() == 2 and Call.objects.count() == 2
    # 30 days after Monday, late in the day, Monday's data is still kept.
    result = jobs_run(now=at(23, 59, MONDAY + timedelta(days=30)))
    assert result["queue_erased"] == 0
    assert Ticket.objects.count() == 2
    result = jobs_run(now=at(0, 1, MONDAY + timedelta(days=31)))
    assert result["queue_erased"] == 2  # Monday's ticket and its sample
    assert list(Ticket.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Call.objects.filter(ticket_id=old.pk).exists()
    assert not TicketService.objects.filter(ticket_id=old.pk).exists()
    assert Sample.objects.get().ticket_id == recent.pk
