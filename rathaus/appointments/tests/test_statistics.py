"""The Bürgerbüro's statistics, each figure proven on small hand-made data: the expected
values are computed here from the appointments the test makes, never pasted in."""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.urls import reverse

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.appointments.constants import PURPOSE, AppointmentStatus, Channel
from rathaus.appointments.models import Appointment, Person, Request
from rathaus.appointments.statistics.figures import LEAD_TARGET_DAYS, bucket_of
from rathaus.appointments.statistics.ports import (
    same_day_demand_register,
    same_day_demand_unregister,
)
from rathaus.appointments.statistics.selectors import statistics_for
from rathaus.core.timezone import BERLIN
from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.engine import is_public_holiday
from rathaus.scheduling.models import Booking

from .factories import office

pytestmark = pytest.mark.django_db

JUNE = (date(2027, 6, 1), date(2027, 6, 30))  # no public holiday in NRW
_numbers = iter(range(1, 10**6))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def make(
    o,
    day: date,
    *,
    hour: int = 9,
    status: str = AppointmentStatus.DONE,
    channel: str = Channel.ONLINE,
    lead: int = 3,
    services=None,
    persons: int = 1,
    location=None,
) -> Appointment:
    """One appointment; each person gets `services` ([(service, count)], default ID card)."""
    services = services or [(o.id_card, 1)]
    minutes = persons * sum(service.minutes * count for service, count in services)
    start = datetime.combine(day, time(hour), tzinfo=BERLIN)
    number = next(_numbers)
    booking = Booking.objects.create(
        purpose=PURPOSE,
        status=BookingStatus.CANCELLED if status == "cancelled" else BookingStatus.CONFIRMED,
        start=start,
        end=start + timedelta(minutes=minutes),
    )
    appointment = Appointment.objects.create(
        reference=f"BB-T{number:05d}",
        booking=booking,
        location=location or o.location,
        status=status,
        channel=channel,
        start=start,
        end=start + timedelta(minutes=minutes),
        token_nonce="x",
        booked_at=start - timedelta(days=lead, hours=1),
    )
    for position in range(persons):
        person = Person.objects.create(
            appointment=appointment, position=position, given_name="A", family_name="B"
        )
        for service, count in services:
            Request.objects.create(
                person=person, service=service, count=count, minutes=service.minutes * count
            )
    return appointment


def figures(o, first=JUNE[0], last=JUNE[1]):
    return statistics_for(location_ids=[o.location.pk], first=first, last=last)


def test_lead_time_distribution_and_target():
    o = office()
    leads = [0, 1, 3, 7, 10, 14, 15, 21, 30, 42]
    for index, lead in enumerate(leads):
        make(o, date(2027, 6, 7) + timedelta(days=index % 5), lead=lead)
    make(o, date(2027, 6, 8), status=AppointmentStatus.CANCELLED, lead=40)  # held no counter
    make(o, date(2027, 6, 8), status=AppointmentStatus.LAPSED, lead=41)
    make(o, date(2027, 7, 1), lead=2)  # outside the period
    stats = figures(o)

    assert stats.held == len(leads)
    assert stats.appointments == len(leads) + 2 and stats.cancelled == 1
    assert stats.lead.histogram == Counter(leads)
    assert list(stats.lead_by_month) == [JUNE[0]]  # every one in June, the period
    assert stats.lead_by_month[JUNE[0]].histogram == Counter(leads)
    within = [lead for lead in leads if lead <= LEAD_TARGET_DAYS]
    assert stats.lead.within_target.count == len(within)
    assert stats.lead.within_target.percent == pytest.approx(100 * len(within) / len(leads))
    ordered = sorted(leads)
    assert stats.lead.median == ordered[math.ceil(0.5 * len(ordered)) - 1]
    assert stats.lead.p90 == ordered[math.ceil(0.9 * len(ordered)) - 1]
    expected_buckets = Counter(bucket_of(lead) for lead in leads)
    assert dict(stats.lead.buckets()) == {
        bucket: expected_buckets.get(bucket, 0) for bucket, _n in stats.lead.buckets()
    }


def test_no_shows_by_weekday_lead_time_and_service():
    o = office()
    monday, friday = date(2027, 6, 7), date(2027, 6, 11)
    made = [
        # (day, lead, services, status)
        (monday, 2, [(o.id_card, 1)], AppointmentStatus.NO_SHOW),
        (monday, 2, [(o.id_card, 1)], AppointmentStatus.DONE),
        (monday, 20, [(o.passport, 1)], AppointmentStatus.NO_SHOW),
        (friday, 20, [(o.passport, 1), (o.id_card, 1)], AppointmentStatus.NO_SHOW),
        (friday, 5, [(o.registration, 1)], AppointmentStatus.DONE),
        (friday, 5, [(o.registration, 1)], AppointmentStatus.DONE),
    ]
    for day, lead, services, status in made:
        make(o, day, lead=lead, services=services, status=status)
    make(o, friday, status=AppointmentStatus.CONFIRMED)  # no outcome yet: not counted
    stats = figures(o)

    def expect(key):
        tally = {}
        for entry in made:
            for group in key(entry):
                count, base = tally.get(group, (0, 0))
                tally[group] = (count + (entry[3] == AppointmentStatus.NO_SHOW), base + 1)
        return tally

    no_shows = sum(1 for entry in made if entry[3] == AppointmentStatus.NO_SHOW)
    assert (stats.no_show.count, stats.no_show.base) == (no_shows, len(made))
    by_weekday = expect(lambda entry: [entry[0].weekday()])
    assert {d: (s.count, s.base) for d, s in stats.no_show_weekdays()} == by_weekday
    by_lead = expect(lambda entry: [bucket_of(entry[1])])
    assert {b: (s.count, s.base) for b, s in stats.no_show_leads() if s.base} == by_lead
    by_service = expect(lambda entry: [service.pk for service, _count in entry[2]])
    assert {pk: (s.count, s.base) for pk, s in stats.no_show_services()} == by_service


def test_capacity_planned_booked_and_used():
    o = office(counters=2)  # 08–12, Monday to Friday
    done = make(o, date(2027, 6, 7), services=[(o.id_card, 1), (o.passport, 1)], persons=2)
    no_show = make(o, date(2027, 6, 8), status=AppointmentStatus.NO_SHOW)
    confirmed = make(o, date(2027, 6, 9), status=AppointmentStatus.CONFIRMED)
    make(o, date(2027, 6, 10), status=AppointmentStatus.CANCELLED)
    stats = figures(o)

    def counter_minutes(appointment):
        return sum(r.minutes for r in Request.objects.filter(person__appointment=appointment))

    working_days = [
        day
        for day in (JUNE[0] + timedelta(days=n) for n in range(30))
        if day.weekday() < 5 and not is_public_holiday(day)
    ]
    total = stats.capacity_total()
    assert total.planned == len(working_days) * len(o.counters) * 4 * 60
    assert total.booked == sum(counter_minutes(a) for a in (done, no_show, confirmed))
    assert total.used == counter_minutes(done)
    assert counter_minutes(done) == 2 * (o.id_card.minutes + o.passport.minutes)
    assert total.booked_share.percent == pytest.approx(100 * total.booked / total.planned)
    (month, cell), = stats.capacity_by_month()  # fmt: skip
    assert month == JUNE[0] and cell.planned == total.planned


def test_same_day_supply_served_and_demand_through_the_port():
    o = office(counters=2, same_day_percent=50)  # one of two counters kept
    for hour in (8, 9, 10):
        make(o, date(2027, 6, 7), hour=hour, channel=Channel.SAME_DAY, lead=0)
    make(o, date(2027, 6, 7), hour=11, channel=Channel.ONLINE, lead=5)
    stats = figures(o)
    cell = stats.same_day_total()
    working_days = sum(
        1
        for n in range(30)
        if (JUNE[0] + timedelta(days=n)).weekday() < 5
        and not is_public_holiday(JUNE[0] + timedelta(days=n))
    )
    assert cell.supply_minutes == working_days * 1 * 4 * 60
    assert cell.served == 3 and cell.served_minutes == 3 * o.id_card.minutes
    assert cell.demand is None and not stats.demand_known
    assert cell.supply_appointments(stats.same_day_mean_minutes()) == (
        cell.supply_minutes // o.id_card.minutes
    )

    asked = {(o.location.pk, date(2027, 6, 7)): 7, (o.location.pk, date(2027, 6, 8)): 2}

    def provider(location_ids, first, last):
        return {key: n for key, n in asked.items() if first <= key[1] <= last}

    same_day_demand_register(provider)
    try:
        cache.clear()
        stats = figures(o)
    finally:
        same_day_demand_unregister(provider)
    assert stats.demand_known and stats.same_day_total().demand == sum(asked.values())


# --- pages -----------------------------------------------------------------------------


def _user(role):
    roles_ensure()
    user, _ = staff_user_ensure(
        username=f"u-{role or 'none'}",
        password="Richtig-Geheim-2027",
        first_name="T",
        last_name="P",
        role=role,
    )
    return user


def test_page_csv_and_charts_for_the_citizen_office_administration(client):
    o = office()
    make(o, date(2027, 6, 7), lead=3)
    make(o, date(2027, 6, 8), lead=20, status=AppointmentStatus.NO_SHOW)
    client.force_login(_user(roles.CITIZEN_OFFICE_ADMIN))
    query = {"year": "2027", "location": o.location.slug}
    page = client.get(reverse("appointments_statistics:page"), query)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<table" in body and 'alt="' in body

    exported = client.get(reverse("appointments_statistics:csv"), query)
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    by_section = {(row[0], row[3]): row for row in rows[1:]}
    assert by_section[("appointments", "held_a_counter")][4] == "2"
    assert by_section[("no_show", "all")][4:6] == ["1", "2"]

    for chart in ("lead", "noshow-weekday", "noshow-lead", "capacity", "same-day"):
        answer = client.get(reverse("appointments_statistics:svg"), {**query, "chart": chart})
        assert answer["Content-Type"].startswith("image/svg+xml")
        svg = ElementTree.fromstring(answer.content)  # noqa: S314 - our own answer
        namespace = "{http://www.w3.org/2000/svg}"
        assert svg.get("role") == "img"
        assert svg.find(f"{namespace}title").text and svg.find(f"{namespace}desc").text


@pytest.mark.parametrize("role", [None, roles.REGISTRY_OFFICE, roles.HOUSING_BENEFIT_STAFF])
def test_other_roles_are_refused(client, role):
    office()
    client.force_login(_user(role))
    for name in ("page", "csv", "svg"):
        assert client.get(reverse(f"appointments_statistics:{name}")).status_code == 403


def test_anonymous_goes_to_the_login(client):
    answer = client.get(reverse("appointments_statistics:page"))
    assert answer.status_code == 302 and "/login/" in answer["Location"]


def test_a_year_without_appointments_renders_everywhere(client):
    office()
    client.force_login(_user(roles.CITIZEN_OFFICE_ADMIN))
    assert client.get(reverse("appointments_statistics:page"), {"year": "abc"}).status_code == 200
    assert client.get(reverse("appointments_statistics:csv")).status_code == 200
    for chart in ("lead", "capacity", "same-day", "unknown"):
        answer = client.get(reverse("appointments_statistics:svg"), {"chart": chart})
        assert answer.status_code == 200 and b"<title" in answer.content


def test_the_page_is_valid_html(client, tmp_path):
    """The Nu Html Checker, as tests/test_html_valid.py runs it (skips without Java)."""
    import json
    import subprocess

    from tests.test_html_valid import _checker

    command = _checker()
    o = office(same_day_percent=50)
    make(o, date(2027, 6, 7), lead=3)
    make(o, date(2027, 6, 8), lead=20, status=AppointmentStatus.NO_SHOW, channel=Channel.SAME_DAY)
    client.force_login(_user(roles.CITIZEN_OFFICE_ADMIN))
    page = client.get(reverse("appointments_statistics:page"), {"year": "2027"})
    (tmp_path / "page.html").write_bytes(page.content)
    done = subprocess.run(  # noqa: S603 - the locked checker on our own file
        [*command, "--errors-only", "--format", "json", "--exit-zero-always", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    assert [m["message"] for m in messages if m.get("type") == "error"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-06-07 21:59:59", date(2027, 6, 7)),  # SQLite: UTC without a zone; 23:59 in Berlin
        ("2027-06-07 22:00:00.5", date(2027, 6, 8)),  # 00:00 in Berlin (summer time)
        ("2027-01-07 23:00:00.1234+00", date(2027, 1, 8)),  # PostgreSQL, winter time
        ("2027-01-07 23:30:00+01:00", date(2027, 1, 7)),  # another zone: parsed in full
    ],
)
def test_local_dates_of_stored_instants(text, expected):
    from rathaus.appointments.statistics.selectors import _local_day

    assert date.fromordinal(_local_day(text)) == expected
