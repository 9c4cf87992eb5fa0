"""Dates at the edge of the calendar in every URL and form give 400/404 or a form error, never 500.

The crawl walks the URL patterns of the whole site, puts each edge value into every date in the
path and into every date-like query parameter, and asks as a visitor and as the registry office.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from .backoffice.conftest import _on_commit, office, reserve  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

EDGES = ["9999-12-31", "0001-01-01", "", "9999-12", "0001-01", "9999", "0", "-1", "99999999999"]
# every query parameter a page reads a date, month or year from
DATE_PARAMETERS = [
    "tag", "woche", "ab", "datum", "day", "month", "from", "to", "first", "last", "year",
    "date_from", "date_to", "deadline_until", "jahr", "on",
]  # fmt: skip
# every date field of a form (staff and public), posted all at once with the edge value
DATE_FIELDS = [
    "day", "first_day", "last_day", "notice_filed_on", "date", "valid_from", "valid_until",
    "first", "last", "deadline_until", "date_from", "date_to", "on", "start_time", "end_time",
]  # fmt: skip
SKIP = re.compile(r"^(admin/|i18n/|api/v1/docs|static/|media/|logout/)")


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route.lstrip("^").rstrip("$")


def _paths(edge: str, reference: str):
    """Every GET-able path of the site with its placeholders filled (dates with `edge`)."""
    values = {"day": edge, "start": "253402297199", "reference": reference, "token": "x" * 32}
    for route in _patterns(get_resolver()):
        if SKIP.match(route) or "(?P" in route:
            continue

        def fill(match, values=values):
            name = match.group(2)
            return values.get(name, "1" if match.group(1) == "int:" else "schloss-beck")

        yield "/" + re.sub(r"<(\w+:)?(\w+)>", fill, route)


@pytest.fixture
def office_client(request):
    client = Client(raise_request_exception=False)
    client.force_login(request.getfixturevalue("office"))
    return client


@pytest.mark.parametrize("edge", EDGES)
def test_no_url_of_the_site_answers_500_to_an_edge_date(office_client, edge):
    reservation = reserve()
    visitor = Client(raise_request_exception=False)
    failures = []
    for path in _paths(edge, reservation.reference):
        for who, client in (("visitor", visitor), ("office", office_client)):
            for query in ({}, dict.fromkeys(DATE_PARAMETERS, edge)):
                status = client.get(path, query).status_code
                if status >= 500:
                    failures.append((who, path, bool(query), status))
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize("edge", ["9999-12-31", "0001-01-01", ""])
def test_no_form_of_the_site_answers_500_to_an_edge_date(office_client, edge):
    reservation = reserve()
    visitor = Client(raise_request_exception=False)
    form = {**dict.fromkeys(DATE_FIELDS, edge), "venue": "schloss-beck", "reason": "Test"}
    failures = []
    for path in _paths(edge, reservation.reference):
        if path.startswith("/login/"):  # would log the office out
            continue
        for who, client in (("visitor", visitor), ("office", office_client)):
            status = client.post(path, form).status_code
            if status >= 500:
                failures.append((who, path, status))
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize("edge", ["9999-12-31", "0001-01-01"])
def test_the_plans_answer_404_for_a_day_beyond_the_calendar(office_client, edge):
    for url in ["/verwaltung/trauungen/plan/tag/?tag=", "/verwaltung/trauungen/plan/woche/?woche="]:
        assert office_client.get(url + edge).status_code == 404
    for url in ["/trauung/verlosung/", "/verwaltung/trauungen/verlosung/"]:
        assert office_client.get(f"{url}{edge}/").status_code == 404


@pytest.mark.parametrize("edge", ["9999-12-31", "0001-01-01"])
def test_a_block_beyond_the_calendar_is_a_form_error(office_client, edge):
    response = office_client.post(
        "/verwaltung/trauungen/trauorte/schloss-beck/sperren/",
        {"first_day": edge, "last_day": edge},
    )
    assert response.status_code in (200, 422)
    assert "2000" in response.content.decode()


@pytest.mark.parametrize("edge", ["9999-12-31", "0001-01-01", ""])
def test_the_api_answers_400_for_an_edge_date(client, town, edge):
    response = client.get("/api/v1/slots", {"from": edge, "to": edge})
    assert response.status_code == 400
    assert "date" in response.json()["detail"]
