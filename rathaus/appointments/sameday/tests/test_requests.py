"""Requests: the window's edges, once per address and person, clear German refusals."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.utils import translation

from rathaus.appointments.sameday.constants import Reason
from rathaus.appointments.sameday.models import SameDayDraw, SameDayRequest
from rathaus.appointments.sameday.services.requests import RequestRefused
from rathaus.appointments.tests.factories import counter_make
from rathaus.core.timezone import local_datetime

from .helpers import ask, clock, same_day_office, wish

pytestmark = pytest.mark.django_db


def test_the_window_opens_at_07_00_00_and_closes_at_07_45_00():
    o = same_day_office()
    assert ask(o, "Anna", now=clock(7, 0, 0)).reference.startswith("SD-")
    assert ask(o, "Ben", now=clock(7, 44, 59)).reference
    with translation.override("de"), pytest.raises(RequestRefused) as refused:
        ask(o, "Carl", now=clock(7, 45, 0))
    assert "nur" in str(refused.value.message) and "07:45" in str(refused.value.message)
    with pytest.raises(RequestRefused):
        ask(o, "Dora", now=clock(6, 59, 59))
    assert SameDayRequest.objects.count() == 2


def test_one_request_per_address_and_per_person_and_day():
    o = same_day_office()
    ask(o, "Anna", email="anna@example.org")
    with pytest.raises(RequestRefused) as same_address:
        ask(o, "Ben", email="Anna@Example.org")
    assert same_address.value.conflict
    with pytest.raises(RequestRefused) as same_person:
        ask(o, "Anna", email="other@example.org")
    assert same_person.value.conflict
    assert SameDayRequest.objects.count() == 1


def test_unknown_services_and_reasons_are_refused():
    o = same_day_office()
    with pytest.raises(RequestRefused):
        ask(o, "Anna", services=("nothing-like-this",))
    with pytest.raises(RequestRefused):
        ask(o, "Anna", reason="because")


def test_a_day_without_kept_opening_takes_no_requests():
    o = same_day_office()
    saturday = date(2027, 6, 12)
    with pytest.raises(RequestRefused) as refused:
        ask(o, "Anna", now=clock(7, 10, day=saturday))
    assert "today" in str(refused.value.message) or "heute" in str(refused.value.message)
    assert SameDayDraw.objects.get(day=saturday).offered is False


def test_the_window_on_the_day_clocks_go_forward_is_in_local_time():
    o = same_day_office()
    sunday = date(2027, 3, 28)  # summer time from 02:00
    counter_make(o.location, "Schalter 3", [o.id_card], weekdays=range(7))
    o.location.same_day_percent = 34  # one of three counters: Schalter 3
    o.location.save()
    seven = local_datetime(sunday, time(7))
    assert seven.utcoffset() == timedelta(hours=2)
    assert ask(o, "Anna", now=seven).draw.opens_at == seven
    with pytest.raises(RequestRefused):
        ask(o, "Ben", now=seven - timedelta(seconds=1))


def test_a_family_request_counts_every_persons_minutes():
    o = same_day_office()
    made = ask(o, "Anna", services=("personalausweis", "reisepass"), extra=[wish("Ben")])
    assert made.minutes == 20 + 15 + 20
    assert [p["given_name"] for p in made.persons] == ["Anna", "Ben"]
    assert made.reason == Reason.OTHER
