"""Two sweeps at once on PostgreSQL: every wish and every slot gets at most one offer."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from rathaus.weddings.models import Reservation
from rathaus.weddings.waitlist.models import Offer
from rathaus.weddings.waitlist.services import jobs

from .conftest import free_slots, wish_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_sweeps_at_once_offer_each_slot_and_each_wish_once(town):
    slots = free_slots()
    day = slots[0].day
    wishes = [wish_for(slots[0], time_of_day="") for _ in range(6)]  # all want that day
    free_that_day = [slot for slot in slots if slot.day == day]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(jobs.waitlist_match())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    offers = list(Offer.objects.filter(status="open").select_related("reservation"))
    assert len(offers) == min(len(wishes), len(free_that_day))
    assert sum(result.get("offered", 0) for result in results) == len(offers)
    assert max(Counter(offer.wish_id for offer in offers).values()) == 1
    assert max(Counter((offer.venue_id, offer.start) for offer in offers).values()) == 1
    assert all(offer.reservation.status == "pending" for offer in offers)
    assert Reservation.objects.filter(status="pending").count() == len(offers)
    assert not Offer.objects.filter(reservation__isnull=True).exists()
