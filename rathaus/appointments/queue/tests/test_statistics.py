"""The waiting room's statistics: a Friday and a Monday built through the queue's services
with explicit times, the figures checked to the minute, the CSV and the SVG, the period's
limit (data is kept 30 days) and who may open the page."""

from __future__ import annotations

import csv
import io
from datetime import date
from xml.etree import ElementTree

import pytest
import time_machine
from django.urls import reverse

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.appointments.queue.services import (
    call_again,
    call_next,
    checkin,
    finish,
    not_present,
    queue_get,
    start,
    ticket_issue,
)
from rathaus.appointments.queue.statistics import (
    Spread,
    TicketRow,
    percentile,
    queue_statistics_compute,
)
from rathaus.appointments.queue.statistics_selectors import queue_statistics_for
from rathaus.appointments.queue.statistics_views import CHARTS
from rathaus.appointments.tests.factories import MONDAY, LocationFactory, at, office

from .helpers import book

pytestmark = pytest.mark.django_db

FRIDAY = date(2027, 6, 4)
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(12), tick=False) as traveller:
        yield traveller


@pytest.fixture
def o():
    return office()


@pytest.fixture
def world(o):
    """Friday: one walk-in waits 40 minutes. Monday: walk-ins wait 10 and 20 minutes, an
    appointment 10, and a walk-in called at 09:30 (and recalled) never comes: no-show after
    the third call."""
    c1, c2 = o.counters

    def walk_in(hour, minute, day=MONDAY):
        return ticket_issue(location=o.location, services=["anmeldung"], now=at(hour, minute, day))

    def serve(counter, called, finished, day=MONDAY):
        ticket = call_next(counter, at(*called, day))
        start(ticket, at(*called, day))
        finish(ticket, now=at(*finished, day))
        return ticket

    walk_in(8, 0, FRIDAY)
    serve(c1, (8, 40), (8, 50), FRIDAY)  # sample anmeldung 10
    w1, w2 = walk_in(8, 0), walk_in(8, 5)
    assert serve(c1, (8, 10), (8, 22)).pk == w1.pk  # sample anmeldung 12
    assert serve(c2, (8, 25), (8, 33)).pk == w2.pk  # sample anmeldung 8
    appointment = checkin(location=o.location, appointment=book(o, 9), now=at(8, 50))
    w3 = walk_in(9, 0)
    assert serve(c2, (9, 0), (9, 15)).pk == appointment.pk  # sample reisepass 15
    ticket = call_next(c1, at(9, 30))
    assert ticket.pk == w3.pk
    call_again(ticket, at(9, 32))
    not_present(ticket, now=at(9, 34))
    ticket = call_next(c1, at(9, 40))
    assert ticket.pk == w3.pk
    assert not_present(ticket, now=at(9, 45)).status == "no_show"
    return o


def _user(username, role):
    roles_ensure()
    user, _created = staff_user_ensure(
        username=username, password="Richtig-Geheim-2027", first_name="Bea", last_name="B",
        role=role,
    )  # fmt: skip
    return user


@pytest.fixture
def staff(client):
    client.force_login(_user("buergerbuero", roles.CITIZEN_OFFICE_ADMIN))
    return client


# --- the figures -----------------------------------------------------------------------------


def test_percentile_and_median_of_few_values():
    assert percentile([], 0.9) is None
    assert percentile([40, 10, 20, 10], 0.9) == 40
    assert percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9) == 90
    assert Spread.of([10, 20, 10, 40]) == Spread(4, 15, 40)
    assert Spread.of([]) == Spread(0, None, None)


def test_tickets_outside_the_period_are_left_out():
    rows = [
        TicketRow("walk_in", "done", MONDAY, 8, 5.0),
        TicketRow("walk_in", "done", FRIDAY, 8, 50.0),
    ]
    stats = queue_statistics_compute(first=MONDAY, last=MONDAY, tickets=rows)
    assert (stats.tickets, stats.waiting.median) == (1, 5.0)


def test_waiting_times_by_hour_weekday_and_kind(world):
    stats = queue_statistics_for(location_ids=[world.location.pk], first=FRIDAY, last=MONDAY)
    assert (stats.tickets, stats.called) == (5, 5)
    # Waits 40 (Fri 08), 10, 20, 10 (the appointment, checked in 08:50), 30 (09:00, first call).
    assert stats.waiting == Spread(5, 20, 40)
    assert stats.hours() == [(8, Spread(4, 15, 40)), (9, Spread(1, 30, 30))]
    assert stats.weekdays() == [(0, Spread(4, 15, 30)), (4, Spread(1, 40, 40))]
    assert stats.waiting_by_kind == {"appointment": Spread(1, 10, 10), "walk_in": Spread(4, 25, 40)}


def test_no_shows_walk_in_share_processing_and_calls(world):
    stats = queue_statistics_for(location_ids=[world.location.pk], first=FRIDAY, last=MONDAY)
    assert (stats.walk_in.count, stats.walk_in.base, stats.walk_in.percent) == (4, 5, 80)
    shares = {kind: (s.count, s.base) for kind, _spread, s in stats.kinds()}
    assert shares == {"appointment": (0, 1), "walk_in": (1, 4)}
    assert (stats.no_show.count, stats.no_show.base, stats.no_show.percent) == (1, 5, 20)
    registration, passport = world.registration.pk, world.passport.pk
    assert stats.processing[registration] == Spread(3, 10, 12)  # 12, 8 and 10 minutes
    assert stats.processing[passport] == Spread(1, 15, 15)
    c1, c2 = world.counters
    calls = {pk: (tally.calls, tally.recalls) for pk, tally in stats.calls.items()}
    assert calls == {c1.pk: (4, 1), c2.pk: (2, 0)}


def test_the_period_and_the_location_narrow_the_figures(world):
    monday = queue_statistics_for(location_ids=[world.location.pk], first=MONDAY, last=MONDAY)
    assert (monday.tickets, monday.waiting.median) == (4, 15)
    assert sum(tally.calls for tally in monday.calls.values()) == 5
    elsewhere = LocationFactory(slug="kirchhellen")
    ticket_issue(location=world.location, services=["anmeldung"], now=at(11))
    stats = queue_statistics_for(location_ids=[elsewhere.pk], first=FRIDAY, last=MONDAY)
    assert (stats.tickets, stats.calls, stats.processing) == (0, {}, {})


# --- the pages -------------------------------------------------------------------------------


def test_the_page_shows_the_figures_in_tables_with_captions(staff, world):
    response = staff.get(reverse("queue_statistics:page"), **ENGLISH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Queue data is deleted after 30 days" in html
    for caption in ("Waiting time by hour of check-in or issue", "Waiting time by weekday",
                    "Processing time per service, next to the configured minutes",
                    "Calls and recalls per counter"):  # fmt: skip
        assert f"<caption>{caption}</caption>" in html
    context = response.context
    # The last four weeks by default: Friday and Monday both inside.
    assert (context["stats"].first, context["stats"].last) == (date(2027, 5, 11), MONDAY)
    assert context["stats"].tickets == 5
    assert [(str(day), spread.median) for day, spread in context["weekdays"]] == [
        ("Monday", 15),
        ("Friday", 40),
    ]
    assert [(s.slug, spread.median, drift) for s, spread, drift in context["processing"]] == [
        ("anmeldung", 10, False),
        ("reisepass", 15, False),
    ]
    assert [(label, t.calls, t.recalls) for label, t in context["counters"]] == [
        (f"Schalter 1 ({world.location.name})", 4, 1),
        (f"Schalter 2 ({world.location.name})", 2, 0),
    ]
    for chart in CHARTS:
        assert f"chart={chart}&amp;" in html


def test_a_period_before_the_retention_limit_is_refused(staff, world):
    query = {"first": "2027-05-07", "last": "2027-06-07", "location": ""}
    response = staff.get(reverse("queue_statistics:page"), query, **ENGLISH)
    assert response.status_code == 200
    assert response.context["form"].errors["first"] == [
        "Queue data is deleted after 30 days: the earliest day is 08.05.2027."
    ]
    assert response.context["stats"].first == date(2027, 5, 11)  # the default period instead
    query = {"first": "2027-06-07", "last": "2027-06-04", "location": ""}
    response = staff.get(reverse("queue_statistics:page"), query, **ENGLISH)
    assert "last" in response.context["form"].errors


def test_a_location_alone_keeps_the_default_period(staff, world):
    kirchhellen = LocationFactory(slug="kirchhellen")
    queue_get(kirchhellen)  # a location without a waiting room is not offered
    LocationFactory(slug="standesamt")
    page = reverse("queue_statistics:page")
    choices = staff.get(page, **ENGLISH).context["form"].fields["location"].choices
    assert sorted(slug for slug, _name in choices) == ["", "kirchhellen", "rathaus"]
    only = staff.get(page, {"location": "kirchhellen"}, **ENGLISH).context
    assert (only["stats"].first, only["stats"].last) == (date(2027, 5, 11), MONDAY)
    assert (only["stats"].tickets, only["location_name"]) == (0, kirchhellen.name)
    assert staff.get(page, {"location": "rathaus"}, **ENGLISH).context["stats"].tickets == 5


def test_the_csv_holds_every_figure(staff, world):
    query = {"first": "2027-06-04", "last": "2027-06-07", "location": "rathaus"}
    response = staff.get(reverse("queue_statistics:csv"), query, **ENGLISH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="wartebereich-2027-06-04-2027-06-07.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:4] == ["section", "location", "period", "category"]
    name, period = world.location.name, "2027-06-04/2027-06-07"
    table = {(row[0], row[3]): row[4:] for row in rows[1:]}
    assert all(row[1:3] == [name, period] for row in rows[1:])
    assert table[("tickets", "all")] == ["5", "", "", "", "", ""]
    assert table[("walk_in_share", "walk_in")] == ["4", "5", "80.0", "", "", ""]
    assert table[("waiting", "all")] == ["5", "", "", "20.0", "40.0", ""]
    assert table[("waiting_by_hour", "08")] == ["4", "", "", "15.0", "40.0", ""]
    assert table[("waiting_by_weekday", "5")] == ["1", "", "", "40.0", "40.0", ""]
    assert table[("waiting_by_kind", "appointment")] == ["1", "", "", "10.0", "10.0", ""]
    assert table[("no_show", "all")] == ["1", "5", "20.0", "", "", ""]
    assert table[("no_show_by_kind", "walk_in")] == ["1", "4", "25.0", "", "", ""]
    assert table[("processing_by_service", "anmeldung")] == ["3", "", "", "10.0", "12.0", "10"]
    counter = f"Schalter 1 ({name})"
    assert table[("calls_by_counter", counter)][0] == "4"
    assert table[("recalls_by_counter", counter)][0] == "1"


@pytest.mark.parametrize("chart", CHARTS)
def test_every_chart_is_well_formed_svg_with_a_title_and_a_description(staff, world, chart):
    url = reverse("queue_statistics:svg")
    response = staff.get(url, {"chart": chart, "download": "1"}, **ENGLISH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert f'filename="wartebereich-{chart}.svg"' in response["Content-Disposition"]
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own answer
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title = root.find(f"{SVG}title").text
    assert world.location.name not in title  # all locations by default
    assert "All locations" in title and "11.05.2027–07.06.2027" in title
    assert root.find(f"{SVG}desc").text
    assert root.findall(f"{SVG}rect")


def test_the_waiting_chart_draws_the_hours_with_data(staff, world):
    response = staff.get(reverse("queue_statistics:svg"), {"chart": "waiting-hour"}, **ENGLISH)
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own answer
    labels = [text.text for text in root.iter(f"{SVG}text")]
    assert "08" in labels and "09" in labels and "10" not in labels
    assert "Median (minutes)" in labels


def test_anonymous_goes_to_the_login_and_other_roles_are_refused(client, o):
    urls = [reverse(f"queue_statistics:{name}") for name in ("page", "csv", "svg")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    for role in (roles.HOUSING_BENEFIT_STAFF, roles.REGISTRY_OFFICE, roles.PARKING_OFFICE):
        client.force_login(_user(f"user-{role}", role))
        for url in urls:
            assert client.get(url).status_code == 403
        client.logout()
    client.force_login(_user("buergerbuero", roles.CITIZEN_OFFICE_ADMIN))
    assert all(client.get(url).status_code == 200 for url in urls)
