"""Registrars: personal schedule, feed, duty roster (read-only) and absences."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from rathaus.core.timezone import BERLIN, local_datetime, local_today
from rathaus.scheduling.models import Closure, WeeklyRule
from rathaus.weddings.models import Registrar
from rathaus.weddings.selectors import ceremony_slot_offer

from .conftest import free_slot, reserve

pytestmark = pytest.mark.django_db


def _anna():
    return Registrar.objects.get(name="Anna Schneider")


def _own_reservation():
    """A reservation Anna conducts (the least busy registrar gets it; make sure it is Anna)."""
    reservation = reserve()
    if reservation.registrar != _anna():
        from rathaus.weddings.backoffice import services

        services.reservation_registrar_assign(
            actor=None, reservation=reservation, registrar=_anna()
        )
        reservation.refresh_from_db()
    return reservation


def test_schedule_shows_own_ceremonies_roster_and_travel(client, registrar_user):
    reservation = _own_reservation()
    client.force_login(registrar_user)
    url = reverse("backoffice:registrar", args=[_anna().pk])
    page = client.get(url, {"ab": reservation.start.astimezone(BERLIN).date().isoformat()})
    text = page.content.decode()
    assert reservation.couple_names.split(" & ")[0] in text
    assert "Dienstplan" in text and "Montag" in text
    assert "paar@example.org" not in text


def test_registrar_reads_but_cannot_edit_the_roster(client, registrar_user):
    client.force_login(registrar_user)
    anna = _anna()
    assert client.get(reverse("backoffice:registrar-rules", args=[anna.pk])).status_code == 403
    rule = WeeklyRule.objects.filter(resource=anna.resource).first()
    assert client.post(reverse("backoffice:rule-delete", args=[rule.pk])).status_code == 403
    assert WeeklyRule.objects.filter(pk=rule.pk).exists()


def test_absence_blocks_the_registrar_and_is_refused_over_a_ceremony(client, registrar_user):
    reservation = _own_reservation()
    anna = _anna()
    client.force_login(registrar_user)
    url = reverse("backoffice:registrar-absence", args=[anna.pk])
    day = reservation.start.astimezone(BERLIN).date()
    response = client.post(url, {"first_day": day.isoformat(), "reason": "Urlaub"})
    assert response.status_code == 422
    free_day = day + timedelta(days=3)
    response = client.post(
        url,
        {"first_day": free_day.isoformat(), "last_day": (free_day + timedelta(days=4)).isoformat()},
    )
    assert response.status_code == 303
    absence = Closure.objects.get(resource=anna.resource)
    assert absence.start == local_datetime(free_day, time.min)
    assert absence.end == local_datetime(free_day + timedelta(days=5), time.min)
    assert absence.source == "absence"
    # Anna is not offered for a ceremony on those days any more.
    slot = free_slot("rathaus-trauzimmer", days_ahead=(free_day - local_today()).days)
    assert slot.start.astimezone(BERLIN).date() <= free_day + timedelta(days=4)
    _slot, registrars = ceremony_slot_offer(venue=slot.venue, start=slot.start)
    assert registrars and anna not in registrars
    response = client.post(
        reverse("backoffice:registrar-absence-delete", args=[anna.pk, absence.pk])
    )
    assert response.status_code == 303 and not Closure.objects.filter(pk=absence.pk).exists()


def test_registrar_feed_parses_back(client, registrar_user):
    reservation = _own_reservation()
    other = reserve(skip=2)
    client.force_login(registrar_user)
    page = client.post(
        reverse("backoffice:registrar-feed", args=[_anna().pk]), {"action": "create"}
    )
    client.logout()
    response = client.get(page.context["feed_url"].replace("http://testserver", ""))
    calendar = Calendar.from_ical(response.content)
    uids = {str(e["uid"]) for e in calendar.walk("VEVENT")}
    assert f"{reservation.reference}@rathaus.bottrop" in uids
    if other.registrar != _anna():
        assert f"{other.reference}@rathaus.bottrop" not in uids
    assert str(calendar["x-wr-calname"]).endswith("Anna Schneider")
