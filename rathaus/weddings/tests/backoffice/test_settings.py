"""Registry office: rules, extra openings, closures, venue details and fees, reservation rules."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from rathaus.audit.selectors import audit_lines_for
from rathaus.core.timezone import local_datetime, local_today
from rathaus.scheduling.models import Closure, ExtraOpening, WeeklyRule
from rathaus.weddings.models import Registrar, ReservationPolicy, Venue
from rathaus.weddings.selectors import SlotFilter, ceremony_slots_free

from ..factories import VenueFactory
from .conftest import reserve

pytestmark = pytest.mark.django_db


def _next_sunday(days=40):
    day = local_today() + timedelta(days=days)
    while day.weekday() != 6:
        day += timedelta(days=1)
    return day


def test_extra_opening_opens_capacity_on_one_date(client, office):
    venue = Venue.objects.get(slug="rathaus-trauzimmer")
    sunday = _next_sunday()
    assert not ceremony_slots_free(first=sunday, last=sunday, filters=SlotFilter(venues=[venue]))
    # a registrar must be on duty too: open an extra duty window for one of them
    client.force_login(office)
    registrar = Registrar.objects.get(name="Markus Becker")
    response = client.post(
        reverse("backoffice:registrar-rules", args=[registrar.pk]),
        {
            "kind": "opening",
            "opening-date": sunday.isoformat(),
            "opening-start_time": "09:00",
            "opening-end_time": "13:00",
            "opening-slot_mode": "window",
            "opening-slot_minutes": "30",
            "opening-buffer_minutes": "0",
        },
    )
    assert response.status_code == 303, response.content.decode()
    response = client.post(
        reverse("backoffice:venue-rules", args=[venue.slug]),
        {
            "kind": "opening",
            "opening-date": sunday.isoformat(),
            "opening-start_time": "10:00",
            "opening-end_time": "12:00",
            "opening-slot_mode": "fixed",
            "opening-slot_minutes": "30",
            "opening-buffer_minutes": "0",
            "opening-fixed_starts": "10:00, 11:00",
            "opening-note": "Schnapszahl",
        },
    )
    assert response.status_code == 303, response.content.decode()
    slots = ceremony_slots_free(first=sunday, last=sunday, filters=SlotFilter(venues=[venue]))
    assert [s.start for s in slots] == [
        local_datetime(sunday, time(10)),
        local_datetime(sunday, time(11)),
    ]
    opening = ExtraOpening.objects.get(resource=venue.resource)
    assert "Sina Standesamt hat einen Zusatztermin geöffnet" in audit_lines_for(venue)[0].sentence
    response = client.post(reverse("backoffice:opening-delete", args=[opening.pk]))
    assert response.status_code == 303 and not ExtraOpening.objects.filter(pk=opening.pk).exists()


def test_weekly_rule_add_edit_delete_with_validation(client, office):
    venue = VenueFactory(slug="malakoffturm", name="Malakoffturm")
    client.force_login(office)
    url = reverse("backoffice:venue-rules", args=[venue.slug])
    bad = client.post(
        url,
        {
            "kind": "rule",
            "rule-weekday": "6",
            "rule-start_time": "14:00",
            "rule-end_time": "12:00",
            "rule-slot_mode": "fixed",
            "rule-slot_minutes": "45",
            "rule-buffer_minutes": "0",
        },
    )
    assert bad.status_code == 422
    good = client.post(
        url,
        {
            "kind": "rule",
            "rule-weekday": "6",
            "rule-start_time": "11:00",
            "rule-end_time": "15:00",
            "rule-slot_mode": "fixed",
            "rule-slot_minutes": "45",
            "rule-buffer_minutes": "0",
            "rule-fixed_starts": "11:00; 13:30",
        },
    )
    assert good.status_code == 303
    rule = WeeklyRule.objects.get(resource=venue.resource, weekday=6)
    assert rule.fixed_starts == ["11:00", "13:30"]
    edit = client.post(
        reverse("backoffice:rule-edit", args=[rule.pk]),
        {
            "weekday": "6",
            "start_time": "11:00",
            "end_time": "16:00",
            "slot_mode": "fixed",
            "slot_minutes": "45",
            "buffer_minutes": "0",
            "fixed_starts": "11:00, 13:30, 15:00",
        },
    )
    assert edit.status_code == 303
    rule.refresh_from_db()
    assert rule.fixed_starts == ["11:00", "13:30", "15:00"]
    line = audit_lines_for(venue)[0]
    assert "hat die Wochenregel" in line.sentence
    assert any(c.label == "bis" and c.after == "16:00:00" for c in line.changes), line.changes
    assert client.post(reverse("backoffice:rule-delete", args=[rule.pk])).status_code == 303
    assert not WeeklyRule.objects.filter(pk=rule.pk).exists()


def test_city_wide_closure_refused_over_bookings(client, office):
    reservation = reserve()
    client.force_login(office)
    url = reverse("backoffice:closure-list")
    day = reservation.start.date()
    assert client.post(url, {"first_day": day.isoformat(), "reason": "Streik"}).status_code == 422
    other = day + timedelta(days=1)
    assert (
        client.post(url, {"first_day": other.isoformat(), "reason": "Betriebsausflug"}).status_code
        == 303
    )
    closure = Closure.objects.get(reason="Betriebsausflug")
    assert closure.resource is None
    assert client.post(reverse("backoffice:closure-delete", args=[closure.pk])).status_code == 303


def test_venue_fees_and_details_are_audited(client, office):
    venue = Venue.objects.get(slug="schloss-beck")
    client.force_login(office)
    form = client.get(reverse("backoffice:venue-edit", args=[venue.slug])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(fee_eur="175.00", max_guests="55")
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(reverse("backoffice:venue-edit", args=[venue.slug]), data)
    assert response.status_code == 303, response.context["form"].errors
    venue.refresh_from_db()
    assert venue.fee_eur == Decimal("175.00") and venue.max_guests == 55
    line = audit_lines_for(venue)[0]
    assert line.sentence == "Sina Standesamt hat die Angaben des Trauorts geändert."
    labels = {c.label: (c.before, c.after) for c in line.changes}
    assert labels["Gebühr des Standesamts (EUR)"] == ("160.00", "175.00")
    assert labels["höchstens Gäste bei der Trauung"] == ("60", "55")


def test_reservation_rules_are_edited_and_audited(client, office):
    client.force_login(office)
    response = client.post(
        reverse("backoffice:policy"),
        {
            "min_lead_days": "21",
            "horizon_months": "18",
            "release_time": "09:30",
            "pending_hold_minutes": "90",
            "notice_window_months": "6",
            "notice_grace_days": "30",
        },
    )
    assert response.status_code == 303
    policy = ReservationPolicy.objects.get()
    assert (policy.min_lead_days, policy.horizon_months, policy.pending_hold_minutes) == (
        21,
        18,
        90,
    )
    assert "Mindestvorlauf (Tage)" in client.get(reverse("backoffice:policy")).content.decode()
