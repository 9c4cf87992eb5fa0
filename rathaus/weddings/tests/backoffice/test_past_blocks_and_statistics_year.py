"""Blocks, absences and closures in the past are refused with a form error; the statistics
open on a year that has data (issue 12)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.core.timezone import BERLIN, local_datetime, local_today
from rathaus.scheduling import services as availability
from rathaus.scheduling.models import Closure
from rathaus.scheduling.services import AvailabilityRefused
from rathaus.weddings.models import Registrar, Venue

from .conftest import reserve

pytestmark = pytest.mark.django_db


def _anna():
    return Registrar.objects.get(name="Anna Schneider")


@pytest.mark.parametrize(
    "target",
    ["venue-block", "registrar-absence", "closure-list"],
)
def test_a_time_in_the_past_is_refused_with_a_form_error(client, office, target):
    args = {
        "venue-block": ["schloss-beck"],
        "registrar-absence": [_anna().pk] if Registrar.objects.exists() else [],
        "closure-list": [],
    }[target]
    client.force_login(office)
    closures = Closure.objects.count()
    yesterday = local_today() - timedelta(days=1)
    response = client.post(reverse(f"backoffice:{target}", args=args), {"first_day": yesterday})
    assert response.status_code == 422
    assert "Dieser Termin liegt in der Vergangenheit." in response.content.decode()

    now = timezone.now().astimezone(BERLIN)
    if now.hour >= 1:  # earlier today, already over (after 01:00 there is such a time)
        response = client.post(
            reverse(f"backoffice:{target}", args=args),
            {"first_day": now.date(), "start_time": "00:00", "end_time": "00:30"},
        )
        assert response.status_code == 422
        assert "Diese Zeit ist bereits vorbei." in response.content.decode()
    assert Closure.objects.count() == closures


def test_the_service_refuses_a_block_that_is_over(office):
    venue = Venue.objects.get(slug="schloss-beck")
    yesterday = local_today() - timedelta(days=1)
    with pytest.raises(AvailabilityRefused):
        availability.closure_create(
            actor=office,
            resource=venue.resource,
            owner=venue,
            start=local_datetime(yesterday, time(10)),
            end=local_datetime(yesterday, time(12)),
            reason="zu spät",
        )


def test_a_block_for_the_rest_of_today_is_still_accepted(client, office):
    client.force_login(office)
    response = client.post(
        reverse("backoffice:venue-block", args=["schloss-beck"]),
        {"first_day": local_today(), "reason": "Wasserschaden"},
    )
    assert response.status_code == 303


def _opened_year(client) -> str:
    form = client.get(reverse("backoffice:statistics")).context["form"]
    return str(form["first"].value())[:4]


def test_statistics_open_on_the_current_year_when_it_has_data(client, office):
    reserve()
    client.force_login(office)
    assert _opened_year(client) == str(local_today().year)


def test_statistics_open_on_the_latest_year_with_data(client, office, time_machine):
    wedding = reserve()
    later = datetime(wedding.start.astimezone(BERLIN).year + 3, 2, 1, 10, tzinfo=BERLIN)
    time_machine.move_to(later)
    client.force_login(office)
    assert _opened_year(client) == str(wedding.start.astimezone(BERLIN).year)


def test_statistics_without_any_data_open_on_the_current_year(client, office):
    client.force_login(office)
    assert _opened_year(client) == str(local_today().year)
