"""A new domain books counters by duration through the scheduling core alone.

Counters open Monday 08:00–12:00 (`window` pattern); a visit lasts the sum of its services
(identity card 15 + passport 10 = 25 minutes); any counter that offers every chosen service will
do, the least busy first; one open visit per person.
"""

from __future__ import annotations

import ast
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling.constants import SlotMode
from rathaus.scheduling.exceptions import SlotUnavailable
from rathaus.scheduling.kinds import resource_kinds
from rathaus.scheduling.models import Allocation, Resource
from rathaus.scheduling.selectors import active_allocations_q
from rathaus.scheduling.tests.factories import ResourceFactory, WeeklyRuleFactory

from .services import KIND_COUNTER, Counter, LimitReached, visit_book, visit_times_free

DAY = date(2027, 6, 7)  # a Monday, no holiday
NOW = datetime(2027, 6, 1, 9, 0, tzinfo=BERLIN)
SERVICES = ["id_card", "passport"]


@pytest.fixture
def counters(db) -> list[Counter]:
    made = []
    for number, offered in enumerate(
        [{"id_card", "passport", "registration"}, {"id_card", "passport"}, {"registration"}]
    ):
        resource = ResourceFactory(kind=KIND_COUNTER, slug=f"schalter-{number}")
        WeeklyRuleFactory(
            resource=resource,
            weekday=0,
            start_time=time(8),
            end_time=time(12),
            slot_mode=SlotMode.WINDOW,
            slot_minutes=0,
        )
        made.append(Counter(resource.pk, frozenset(offered)))
    return made


def at(hour: int, minute: int = 0) -> datetime:
    return local_datetime(DAY, time(hour, minute))


def starts(slots) -> list[str]:
    return sorted({f"{slot.start.astimezone(BERLIN):%H:%M}" for slot in slots})


def test_the_domain_imports_the_scheduling_core_and_nothing_of_the_weddings():
    folder = Path(__file__).parent
    imported = set()
    for module in ("apps.py", "services.py"):
        tree = ast.parse((folder / module).read_text(encoding="utf-8"))
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {"rathaus.scheduling.services", "rathaus.scheduling.kinds"} <= imported
    assert not [name for name in imported if name and name.startswith("rathaus.weddings")]


def test_the_domain_registers_its_kind_and_the_core_validates_it(db):
    assert (KIND_COUNTER, "Counter") in resource_kinds()
    Resource(kind=KIND_COUNTER, slug="ok", name="Schalter").full_clean()
    with pytest.raises(ValidationError):
        Resource(kind="spaceship", slug="no", name="Raumschiff").full_clean()


def test_free_times_for_25_minutes_across_the_counters_that_offer_both_services(counters):
    slots = visit_times_free(counters=counters, services=SERVICES, first=DAY, last=DAY, now=NOW)

    assert {slot.resource_id for slot in slots} == {
        counters[0].resource_id,
        counters[1].resource_id,
    }
    assert all(slot.end - slot.start == timedelta(minutes=25) for slot in slots)
    assert starts(slots)[0] == "08:00"
    assert starts(slots)[-1] == "11:35"  # the last start that still ends by 12:00
    assert len(starts(slots)) == (4 * 60 - 25) // 5 + 1


def test_booking_takes_the_least_busy_counter_and_never_double_books(counters):
    first, _ = visit_book(
        counters=counters, services=SERVICES, start=at(8), email="a@example.org", now=NOW
    )
    second, _ = visit_book(
        counters=counters, services=SERVICES, start=at(8), email="b@example.org", now=NOW
    )
    with pytest.raises(SlotUnavailable):
        visit_book(
            counters=counters, services=SERVICES, start=at(8), email="c@example.org", now=NOW
        )

    assert {first, second} == {counters[0].resource_id, counters[1].resource_id}
    # a third person at 08:25 goes to the counter that is less busy that day: both have one
    third, _ = visit_book(
        counters=counters, services=SERVICES, start=at(8, 25), email="c@example.org", now=NOW
    )
    assert third == counters[0].resource_id  # ties keep the given order
    fourth, _ = visit_book(
        counters=counters, services=SERVICES, start=at(9), email="d@example.org", now=NOW
    )
    assert fourth == counters[1].resource_id  # now the least busy one

    free = visit_times_free(counters=counters, services=SERVICES, first=DAY, last=DAY, now=NOW)
    assert "08:00" not in starts(free)
    assert "08:25" in starts(free)  # counter 1 is free from 08:25
    rows = list(
        Allocation.objects.filter(active_allocations_q(NOW)).values_list(
            "resource_id", "start", "end"
        )
    )
    for index, (resource, start, end) in enumerate(rows):
        for other, other_start, other_end in rows[index + 1 :]:
            assert not (resource == other and start < other_end and other_start < end)


def test_one_open_visit_per_person(counters):
    visit_book(counters=counters, services=SERVICES, start=at(8), email="A@example.org", now=NOW)

    with pytest.raises(LimitReached):
        visit_book(
            counters=counters, services=SERVICES, start=at(10), email="a@example.org", now=NOW
        )
    # after the visit, the person may book again
    later = at(8, 30)
    visit_book(counters=counters, services=SERVICES, start=at(10), email="a@example.org", now=later)


def test_a_counter_without_the_service_is_never_booked(counters):
    with pytest.raises(SlotUnavailable):
        for number in range(3):
            visit_book(
                counters=counters,
                services=["registration"],
                start=at(8),
                email=f"{number}@example.org",
                now=NOW,
            )
    assert not Allocation.objects.filter(resource_id=counters[1].resource_id).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_people_racing_for_two_counters_at_one_time_two_win(counters):
    from rathaus.scheduling.tests.concurrency import race, tally

    def work(index, barrier):
        barrier.wait()
        return visit_book(
            counters=counters,
            services=SERVICES,
            start=at(8),
            email=f"person-{index}@example.org",
            now=NOW,
        )

    outcomes = race(10, work)

    assert tally(outcomes) == {"ok": 2, "SlotUnavailable": 8}
    winners = {outcome.value[0] for outcome in outcomes if outcome.error is None}
    assert winners == {counters[0].resource_id, counters[1].resource_id}
