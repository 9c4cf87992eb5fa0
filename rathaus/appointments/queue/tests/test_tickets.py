"""Walk-in tickets: the services one may choose, the numbering per location, day and letter,
and the secret of the phone page."""

from __future__ import annotations

from datetime import date

import pytest

from rathaus.appointments.queue.models import Ticket
from rathaus.appointments.queue.services import (
    QueueRefused,
    queue_get,
    ticket_issue,
    ticket_token,
    ticket_token_valid,
)
from rathaus.appointments.tests.factories import LocationFactory, ServiceFactory, at, office

pytestmark = pytest.mark.django_db


@pytest.fixture
def o():
    return office()


def test_numbers_count_per_letter_location_and_day(o):
    numbers = [ticket_issue(location=o.location, services=["anmeldung"], now=at(8, m)).number
               for m in range(3)]  # fmt: skip
    assert numbers == ["A 001", "A 002", "A 003"]
    other = LocationFactory(slug="kirchhellen")
    o.registration.locations.add(other)
    from rathaus.appointments.tests.factories import counter_make

    counter_make(other, "Schalter 1", [o.registration])
    assert ticket_issue(location=other, services=["anmeldung"], now=at(8)).number == "A 001"
    tuesday = at(8, 0, date(2027, 6, 8))
    assert ticket_issue(location=o.location, services=["anmeldung"], now=tuesday).number == "A 001"


def test_the_letter_is_a_rule_of_the_location(o):
    queue = queue_get(o.location)
    queue.walk_in_letter = "W"
    queue.save()
    assert ticket_issue(location=o.location, services=["anmeldung"], now=at(8)).number == "W 001"


def test_a_ticket_keeps_its_services_and_counts(o):
    ticket = ticket_issue(
        location=o.location, services=["anmeldung", "anmeldung", "reisepass"], now=at(8)
    )
    assert sorted((n.service.slug, n.count) for n in ticket.needs.all()) == [
        ("anmeldung", 2),
        ("reisepass", 1),
    ]


def test_only_services_open_to_walk_ins_at_that_location(o):
    elsewhere = ServiceFactory(slug="fuehrungszeugnis")
    with pytest.raises(QueueRefused):
        ticket_issue(location=o.location, services=["fuehrungszeugnis"], now=at(8))
    queue = queue_get(o.location)
    queue.walk_in_services.set([o.registration])
    with pytest.raises(QueueRefused, match="without an appointment"):
        ticket_issue(location=o.location, services=["reisepass"], now=at(8))
    assert ticket_issue(location=o.location, services=["anmeldung"], now=at(8))
    assert elsewhere.pk and Ticket.objects.count() == 1
    with pytest.raises(QueueRefused, match="at least one"):
        ticket_issue(location=o.location, services=[], now=at(8))


def test_services_no_counter_does_together_are_refused(o):
    for counter in o.counters:
        counter.services.set([o.registration] if counter.name.endswith("1") else [o.passport])
    with pytest.raises(QueueRefused, match="No counter"):
        ticket_issue(location=o.location, services=["anmeldung", "reisepass"], now=at(8))


def test_the_token_opens_only_its_own_ticket(o):
    first = ticket_issue(location=o.location, services=["anmeldung"], now=at(8))
    second = ticket_issue(location=o.location, services=["anmeldung"], now=at(8))
    token = ticket_token(first)
    assert ticket_token_valid(first, token)
    assert not ticket_token_valid(second, token)
    assert not ticket_token_valid(first, None)
    assert token not in first.token_nonce
