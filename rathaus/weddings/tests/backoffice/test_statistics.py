"""Statistics: ceremonies per venue and month, occupancy, conversion, expiries, CSV and SVG."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.core.timezone import BERLIN, local_today
from rathaus.weddings.backoffice import services
from rathaus.weddings.backoffice.statistics import statistics_compute

from .conftest import reserve

pytestmark = pytest.mark.django_db


def test_counts_per_venue_and_month(office):
    wedding = reserve()
    services.reservation_confirm(actor=office, reservation=wedding, notice_filed_on=local_today())
    reserve(skip=1)  # reserved, not confirmed
    reserve(skip=2, confirm_email=False)
    services.reservations_expire(now=timezone.now() + timedelta(hours=3))
    month = wedding.start.astimezone(BERLIN).date().replace(day=1)
    first = min(local_today(), month)
    stats = statistics_compute(first=first, last=month + timedelta(days=40))
    cell = stats.cell(wedding.venue, month)
    assert cell.ceremonies == 1
    assert cell.booked_slots == 2  # the confirmed and the reserved one hold their slots
    assert cell.free_slots > 0 and 0 < cell.occupancy < 1
    total = stats.total()
    assert total.reservations == 3 and total.confirmed == 1 and total.expired == 1
    assert total.conversion == pytest.approx(1 / 3)


def test_page_csv_and_svg(client, office):
    wedding = reserve()
    services.reservation_confirm(actor=office, reservation=wedding, notice_filed_on=local_today())
    client.force_login(office)
    day = wedding.start.astimezone(BERLIN).date()
    query = {"first": local_today().isoformat(), "last": (day + timedelta(days=5)).isoformat()}
    page = client.get(reverse("backoffice:statistics"), query)
    assert page.status_code == 200 and wedding.venue.name in page.content.decode()
    response = client.get(reverse("backoffice:statistics-csv"), query)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["venue", "month", "ceremonies"]
    month = day.strftime("%Y-%m")
    row = next(r for r in rows if r[0] == wedding.venue.name and r[1] == month)
    assert row[2] == "1"
    svg = client.get(reverse("backoffice:statistics-svg"), query)
    assert svg["Content-Type"].startswith("image/svg+xml")
    tree = ElementTree.fromstring(svg.content)  # noqa: S314 - our own output
    texts = [element.text for element in tree.iter() if element.text]
    assert wedding.venue.name[:38] in texts
    assert any(t.startswith("1 · Auslastung") and "," in t for t in texts)
    assert "paar@example.org" not in svg.content.decode() + response.content.decode()


def test_a_bad_period_falls_back_to_this_year(client, office):
    client.force_login(office)
    response = client.get(
        reverse("backoffice:statistics"), {"first": "2027-12-01", "last": "2020-01-01"}
    )
    assert response.status_code == 200
