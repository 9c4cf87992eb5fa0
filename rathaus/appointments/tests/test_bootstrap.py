"""Bottrop's catalogue as data: loaded once, idempotent, effective-dated fees, and the
Christmas emergency service (the one test module of this app on Bottrop's real data)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from rathaus.appointments.bootstrap import catalogue_data, citizen_office_load
from rathaus.appointments.models import Counter, Service
from rathaus.appointments.selectors import PersonNeed, fee_for, free_times, plan_make
from rathaus.core.timezone import BERLIN

pytestmark = pytest.mark.django_db

SLUGS = {
    "personalausweis", "vorlaeufiger-personalausweis", "reisepass", "express-reisepass",
    "eid-karte", "pin-neu-setzen", "abholung", "anmeldung", "ummeldung", "abmeldung",
    "meldebescheinigung", "fuehrungszeugnis", "beglaubigung", "fischereischein",
    "wohngeld-beratung",
}  # fmt: skip


def test_loading_twice_changes_nothing_and_keeps_staff_edits():
    first = citizen_office_load(today=date(2027, 1, 10))
    assert first["services"] == len(catalogue_data()["services"])
    service = Service.objects.get(slug="reisepass")
    service.minutes = 18
    service.save()
    again = citizen_office_load(today=date(2027, 1, 10))
    assert set(again.values()) == {0}
    assert Service.objects.get(slug="reisepass").minutes == 18
    assert set(Service.objects.values_list("slug", flat=True)) >= SLUGS


def test_every_assumption_names_a_field_and_every_service_has_german_and_english():
    for entry in catalogue_data()["services"]:
        assert entry["name_de"] and entry["name_en"]
        for field in entry["assumptions"]:
            assert field in {"minutes", "fee", "locations"}, (entry["slug"], field)
        if not entry["information_only"]:
            assert entry["fees"], entry["slug"]


def test_the_identity_card_costs_46_euros_from_7_february_2026():
    citizen_office_load(today=date(2026, 1, 10))
    card = Service.objects.get(slug="personalausweis")
    assert fee_for(card, on=date(2026, 2, 6), age=30) == Decimal("37.00")
    assert fee_for(card, on=date(2026, 2, 7), age=30) == Decimal("46.00")
    assert fee_for(card, on=date(2026, 2, 7), age=23) == Decimal("27.60")
    assert fee_for(card, on=date(2026, 2, 6), age=23) == Decimal("22.80")


def test_between_christmas_and_new_year_only_the_emergency_service_is_open():
    citizen_office_load(today=date(2027, 1, 10))
    now = datetime(2027, 12, 20, 9, tzinfo=BERLIN)
    urgent = plan_make("rathaus", [PersonNeed((("express-reisepass", 1),))])
    regular = plan_make("rathaus", [PersonNeed((("anmeldung", 1),))])
    break_days = (date(2027, 12, 24), date(2027, 12, 31))
    assert free_times(regular, *break_days, now=now) == []
    found = free_times(urgent, *break_days, now=now)
    days = sorted({t.start.astimezone(BERLIN).date() for t in found})
    assert days == [date(2027, 12, 27), date(2027, 12, 28), date(2027, 12, 29), date(2027, 12, 30)]
    assert {t.start.astimezone(BERLIN).strftime("%H:%M") for t in found} >= {"09:00", "11:15"}
    emergency = Counter.objects.get(emergency_only=True)
    assert not emergency.services.filter(slug="anmeldung").exists()
