"""Zone statistics (issue 17): counts per month from rows at fixed moments, the page, the CSV
and the SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.urls import reverse

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure
from rathaus.core.timezone import local_datetime
from rathaus.parking_permits.constants import ApplicationKind, PermitKind, Status
from rathaus.parking_permits.models import Zone
from rathaus.parking_permits.statistics import (
    berlin_offsets,
    default_range,
    percentile,
    reference_day,
    zone_statistics,
)

from . import stats_factories as s

pytestmark = pytest.mark.django_db

NOW = local_datetime(date(2027, 3, 20), time(12, 0))
SVG = "{http://www.w3.org/2000/svg}"


def at(day: date, hour: int = 10, minute: int = 0):
    return local_datetime(day, time(hour, minute))


def _stats(first=date(2027, 1, 1), last=date(2027, 3, 1), now=NOW):
    return zone_statistics(first=first, last=last, now=now)


def _residents(stats, zone):
    return [row.residents for row in stats.zone_months[zone.pk]]


def test_default_range_is_the_last_24_months_and_the_running_month_counts_as_of_today():
    assert default_range(date(2027, 3, 20)) == (date(2025, 4, 1), date(2027, 3, 1))
    assert reference_day(date(2027, 2, 1), date(2027, 3, 20)) == date(2027, 2, 28)
    assert reference_day(date(2027, 3, 1), date(2027, 3, 20)) == date(2027, 3, 20)


def test_permits_valid_at_each_months_end():
    zone = s.zone()
    app = s.application(zone=zone, created_at=at(date(2026, 12, 1)))

    def permit(start, until, **kwargs):
        s.permit(
            application=app,
            valid_from=start,
            valid_until=until,
            issued_at=at(start),
            **kwargs,
        )

    permit(date(2026, 12, 15), date(2027, 12, 14))  # across every month's end
    permit(date(2027, 1, 10), date(2027, 2, 28))  # expires on February's last day
    permit(date(2027, 1, 1), date(2027, 12, 31), revoked_at=at(date(2027, 2, 14)))  # mid-month
    # revoked at 23:30 on 31 January (Berlin): gone by the end of January
    permit(date(2027, 1, 1), date(2027, 12, 31), revoked_at=at(date(2027, 1, 31), 23, 30))
    # revoked at 00:30 on 1 February (Berlin), still 31 January in UTC: valid at January's end
    permit(date(2027, 1, 1), date(2027, 12, 31), revoked_at=at(date(2027, 2, 1), 0, 30))
    permit(date(2027, 1, 1), date(2027, 12, 31), ends_on=date(2027, 2, 10))  # moved out
    permit(date(2027, 3, 25), date(2028, 3, 24))  # starts after today
    permit(date(2026, 1, 1), date(2026, 12, 31))  # expired before the range
    permit(date(2027, 1, 20), date(2027, 2, 5), kind=PermitKind.TEMPORARY)
    permit(date(2027, 2, 10), date(2027, 2, 10), kind=PermitKind.VISITOR)
    permit(date(2027, 2, 27), date(2027, 3, 1), kind=PermitKind.VISITOR)

    stats = _stats()
    rows = stats.zone_months[zone.pk]
    assert [row.month for row in rows] == [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)]
    assert [row.day for row in rows] == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 20)]
    assert _residents(stats, zone) == [5, 2, 1]
    assert [row.temporary for row in rows] == [1, 0, 0]
    assert [row.visitors_at_end for row in rows] == [0, 1, 0]
    assert [row.visitors_in_month for row in rows] == [0, 2, 1]
    other = Zone.objects.exclude(pk=zone.pk).first()
    assert _residents(stats, other) == [0, 0, 0]


def test_ratio_and_the_three_times_limit_per_zone():
    zone = s.zone("brauerstrasse")
    Zone.objects.filter(pk=zone.pk).update(spaces=1)
    app = s.application(zone=zone, created_at=at(date(2026, 12, 1)))
    for n in range(4):
        s.permit(
            application=app,
            valid_from=date(2027, 1, 1),
            valid_until=date(2027, 1, 31) if n == 3 else date(2027, 12, 31),
            issued_at=at(date(2027, 1, 1)),
        )
    rows = _stats().zone_months[zone.pk]
    assert [(row.residents, row.ratio, row.limit, row.over_limit) for row in rows] == [
        (4, 4.0, 3, True),
        (3, 3.0, 3, False),
        (3, 3.0, 3, False),
    ]


def test_applications_per_month_by_kind_and_decision():
    zone = s.zone()
    jan = date(2027, 1, 1)
    s.application(
        zone=zone,
        created_at=at(date(2027, 1, 5)),
        decided_at=at(date(2027, 1, 5)) + timedelta(seconds=30),
        automatic=True,
        status=Status.ISSUED,
    )
    s.application(
        zone=zone,
        created_at=at(date(2027, 1, 10)),
        decided_at=at(date(2027, 1, 13)),
        status=Status.APPROVED,
        kind=ApplicationKind.RENEWAL,
    )
    s.application(
        zone=zone,
        created_at=at(date(2027, 1, 20)),
        decided_at=at(date(2027, 2, 1), 12),
        status=Status.REFUSED,
        kind=ApplicationKind.PLATE_CHANGE,
    )
    # 00:30 on 1 February in Berlin is still January in UTC: a February application
    s.application(zone=zone, created_at=at(date(2027, 2, 1), 0, 30))
    s.application(zone=zone, created_at=at(date(2027, 2, 15)), status=Status.WITHDRAWN)
    s.application(zone=zone, created_at=at(date(2026, 12, 31)))  # before the range, still open

    months = _stats().applications
    assert [m.month for m in months] == [jan, date(2027, 2, 1), date(2027, 3, 1)]
    january, february, march = months
    assert (january.submitted, january.new, january.renewal, january.plate_change) == (3, 1, 1, 1)
    assert (january.automatic, january.by_staff, january.refused) == (1, 2, 1)
    assert (february.submitted, february.new, february.automatic, february.by_staff) == (2, 2, 0, 0)
    assert march.submitted == 0
    # open at the end: December's; in January also the plate change decided on 1 February;
    # the withdrawn one never counts
    assert [m.open_at_end for m in months] == [2, 2, 2]


def test_percentile_is_the_nearest_rank():
    assert percentile([], 0.5) is None
    assert percentile([1.0, 2.0, 3.0], 0.5) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert percentile([float(n) for n in range(1, 11)], 0.5) == 5.0
    assert percentile([7.0], 0.9) == 7.0


def test_processing_times_per_month_of_the_decision_and_of_the_permit():
    zone = s.zone()
    for days in range(1, 11):  # staff decisions in February taking 1 to 10 days
        s.application(
            zone=zone,
            created_at=at(date(2027, 2, 1)),
            decided_at=at(date(2027, 2, 1) + timedelta(days=days)),
            status=Status.APPROVED,
        )
    quick = s.application(
        zone=zone,
        created_at=at(date(2027, 2, 3)),
        decided_at=at(date(2027, 2, 3)),
        automatic=True,
        status=Status.ISSUED,
    )
    first = s.permit(
        application=quick,
        valid_from=date(2027, 2, 6),
        valid_until=date(2028, 2, 5),
        issued_at=at(date(2027, 2, 6), 16),  # paid and issued three days and six hours later
    )
    s.permit(  # a reprint later does not move the time until issued
        application=quick,
        valid_from=date(2027, 3, 1),
        valid_until=date(2028, 2, 5),
        issued_at=at(date(2027, 3, 1)),
    )
    assert first.pk
    january, february, march = _stats().processing
    assert january.decided.count == 0 and january.decided.median is None
    assert february.by_staff.count == 10
    assert (february.by_staff.median, february.by_staff.p90) == (5.0, 9.0)
    assert february.decided.count == 11
    assert (february.decided.median, february.decided.p90) == (5.0, 9.0)
    assert february.issued.count == 1
    assert february.issued.median == pytest.approx(3.25)
    assert march.issued.count == 0


def test_lookups_by_hour_and_weekday_in_berlin_time_across_the_october_switch():
    zone = s.zone()
    utc = lambda *args: datetime(*args, tzinfo=UTC)  # noqa: E731
    # 25 October 2026, a Sunday: 02:00-03:00 happens twice (CEST, then CET)
    s.tally(zone=zone, hour=utc(2026, 10, 25, 0), lookups=5, allowed=4)  # 02:00 CEST
    s.tally(zone=zone, hour=utc(2026, 10, 25, 1), lookups=7, allowed=7)  # 02:00 CET
    s.tally(zone=zone, hour=utc(2026, 10, 25, 2), lookups=1)  # 03:00 CET
    s.tally(zone=zone, hour=utc(2026, 10, 24, 22), lookups=2)  # Sunday 00:00 CEST
    s.tally(zone=zone, hour=utc(2026, 10, 24, 21), lookups=3)  # Saturday 23:00 CEST
    s.tally(zone=None, hour=utc(2026, 10, 26, 9), lookups=4)  # Monday 10:00 CET, no zone
    s.tally(zone=zone, hour=utc(2026, 9, 30, 21), lookups=100)  # 30 September 23:00: outside

    stats = _stats(first=date(2026, 10, 1), last=date(2026, 10, 1))
    by_hour = {row.zone.pk if row.zone else None: row for row in stats.lookups_by_hour}
    row = by_hour[zone.pk]
    assert row.lookups[2] == 12 and row.allowed[2] == 11
    assert (row.lookups[0], row.lookups[3], row.lookups[23]) == (2, 1, 3)
    assert row.total == 18
    assert by_hour[None].lookups[10] == 4
    by_day = {row.zone.pk if row.zone else None: row for row in stats.lookups_by_weekday}
    assert by_day[zone.pk].lookups == [0, 0, 0, 0, 0, 3, 15]
    assert by_day[None].lookups == [4, 0, 0, 0, 0, 0, 0]


def test_few_queries_whatever_the_range(django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        _stats(first=date(2017, 4, 1), last=date(2027, 3, 1))


# --- Pages --------------------------------------------------------------------------------------


@pytest.fixture
def clock():
    """Log in and ask at the same fixed moment (a session from today would have expired)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def office(clock, client):
    roles_ensure()
    user = User.objects.create_user("parken", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PARKING_OFFICE))
    client.force_login(user)
    return client


@pytest.fixture
def data():
    zone = s.zone()
    app = s.application(
        zone=zone,
        created_at=at(date(2027, 1, 5)),
        decided_at=at(date(2027, 1, 7)),
        status=Status.ISSUED,
    )
    s.permit(
        application=app,
        valid_from=date(2027, 1, 8),
        valid_until=date(2028, 1, 7),
        issued_at=at(date(2027, 1, 8)),
    )
    s.tally(zone=zone, hour=at(date(2027, 2, 3), 9), lookups=6, allowed=5)
    return zone


QUERY = {"first": "2027-01", "last": "2027-03"}


def test_page_tables_and_inline_charts(office, data):
    page = office.get(reverse("parking_staff:statistics"), QUERY)
    assert page.status_code == 200
    body = page.content.decode()
    assert '<caption id="cap-applications">' in body and 'scope="row"' in body
    assert body.count('role="img"') == 5
    for chart in ("auslastung", "antraege", "bearbeitungszeit", "kontrollen-stunde"):
        assert f'<title id="chart-{chart}-title">' in body
        assert f'aria-labelledby="chart-{chart}-title chart-{chart}-desc"' in body
        assert reverse("parking_staff:statistics-chart", args=[chart]) in body
    assert "table=lookups" in body


def test_page_defaults_to_the_last_24_months(office, data):
    page = office.get(reverse("parking_staff:statistics"))
    assert page.status_code == 200
    stats = page.context["stats"]
    assert (stats.first, stats.last, len(stats.months)) == (date(2025, 4, 1), date(2027, 3, 1), 24)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2027-13", "2027-03", "Bitte geben Sie einen Monat wie 2026-03 oder 03.2026 an."),
        ("2027-03", "2027-01", "Der letzte Monat darf nicht vor dem ersten liegen."),
        ("2027-01", "2027-04", "Der Zeitraum kann nicht nach dem laufenden Monat enden."),
        ("2005-01", "2027-03", "Bitte wählen Sie höchstens 120 Monate."),
    ],
)
def test_range_errors_in_german(office, first, last, message):
    page = office.get(
        reverse("parking_staff:statistics"),
        {"first": first, "last": last},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert page.status_code == 422
    assert message in page.content.decode()


def test_german_month_format_is_accepted(office, data):
    page = office.get(reverse("parking_staff:statistics"), {"first": "1.2027", "last": "03.2027"})
    assert page.status_code == 200
    assert len(page.context["stats"].months) == 3


def test_csv_downloads(office, data):
    url = reverse("parking_staff:statistics-csv")
    zones = office.get(url, {**QUERY, "table": "zones"})
    assert zones.status_code == 200
    assert zones["Content-Type"] == "text/csv; charset=utf-8"
    assert zones["Content-Disposition"] == (
        'attachment; filename="parkzonen-zones-2027-01_2027-03.csv"'
    )
    text = zones.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("month;zone;spaces;resident_permits;temporary_permits;")
    assert (
        "2027-01;Osterfelder Straße (Peterstraße – Heidenheck);90;1;0;0;0;0,01;270;0;2027-01-31"
        in lines
    )
    assert len(lines) == 1 + 3 * Zone.objects.count()

    apps = office.get(url, {**QUERY, "table": "applications"}).content.decode()
    assert "2027-01;1;1;0;0;0;1;0;0" in apps
    processing = office.get(url, {**QUERY, "table": "processing"}).content.decode()
    assert "2027-01;1;2,00;2,00;1;2,00;2,00;1;3,00;3,00" in processing
    lookups = office.get(url, {**QUERY, "table": "lookups"}).content.decode()
    assert "Osterfelder Straße (Peterstraße – Heidenheck);hour;9;6;5" in lookups
    assert "Osterfelder Straße (Peterstraße – Heidenheck);weekday;3;6;5" in lookups
    assert office.get(url, {**QUERY, "table": "plates"}).status_code == 400
    assert office.get(url, {"first": "x", "last": "2027-01", "table": "zones"}).status_code == 400


@pytest.mark.parametrize(
    "chart",
    ["auslastung", "antraege", "bearbeitungszeit", "kontrollen-stunde", "kontrollen-wochentag"],
)
def test_svg_downloads_are_well_formed_with_title_and_desc(office, data, chart):
    response = office.get(reverse("parking_staff:statistics-chart", args=[chart]), QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="parkzonen-{chart}-2027-01_2027-03.svg"'
    )
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text
    assert root.find(f"{SVG}desc").text


def test_an_unknown_chart_is_not_found(office):
    url = reverse("parking_staff:statistics-chart", args=["kennzeichen"])
    assert office.get(url, QUERY).status_code == 404


def test_the_office_start_page_links_to_the_statistics(office):
    page = office.get(reverse("parking_staff:queue"))
    assert reverse("parking_staff:statistics") in page.content.decode()


def test_berlin_offsets_split_the_range_at_the_switches():
    start = local_datetime(date(2026, 10, 1), time.min)
    end = local_datetime(date(2027, 4, 1), time.min)
    utc = lambda *args: datetime(*args, tzinfo=UTC)  # noqa: E731
    assert berlin_offsets(start, end) == [
        (utc(2026, 9, 30, 22), utc(2026, 10, 25, 1), 2),
        (utc(2026, 10, 25, 1), utc(2027, 3, 28, 1), 1),
        (utc(2027, 3, 28, 1), utc(2027, 3, 31, 22), 2),
    ]


@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.CITIZEN_OFFICE_ADMIN, 200), (roles.HOUSING_BENEFIT_STAFF, 403)],
)
def test_the_citizen_office_administration_may_read_the_statistics(clock, client, role, status):
    roles_ensure()
    user = User.objects.create_user("statistik", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    for url in (
        reverse("parking_staff:statistics"),
        reverse("parking_staff:statistics-csv") + "?table=zones",
        reverse("parking_staff:statistics-chart", args=["antraege"]),
    ):
        assert client.get(url).status_code == status, url
