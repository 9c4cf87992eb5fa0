"""The pre-check's result walks to the consultation booking, signed and minimal."""

import html
import re
from datetime import date
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from rathaus.core.carry import carry_decode
from rathaus.housing_benefit.constants import CARRY_KIND, CITY_RENT_LEVEL
from rathaus.housing_benefit.handover import counselling_link, precheck_summary

from .test_views import answers

pytestmark = [pytest.mark.django_db, pytest.mark.urls("rathaus.housing_benefit.tests.urls_booking")]

TODAY = date(2026, 3, 14)


@pytest.fixture(autouse=True)
def _today():
    with (
        mock.patch("rathaus.housing_benefit.views.local_today", return_value=TODAY),
        mock.patch("rathaus.housing_benefit.services.local_today", return_value=TODAY),
    ):
        yield


def _booking_link(response) -> str:
    found = re.search(r'href="(/buergerbuero/termin/[^"]+)"', response.content.decode())
    assert found, "no booking link on the result page"
    return html.unescape(found.group(1))


@pytest.mark.parametrize("income", ["1300", "4000"])  # likely, and not likely
def test_the_result_page_links_the_booking_with_the_result_carried(client, income):
    response = client.post(
        reverse("housing_benefit:precheck"), answers(**{"income-0-amount": income})
    )
    outcome = response.context["outcome"]
    link = urlsplit(_booking_link(response))
    query = parse_qs(link.query)
    assert link.path == "/buergerbuero/termin/"
    assert query["service"] == ["wohngeld-beratung"] and query["location"] == ["wohngeldstelle"]
    carried = carry_decode(query["carry"][0], kind=CARRY_KIND)
    assert carried == {
        "kind": CARRY_KIND,
        "eligible": outcome.likely,
        "amount_eur": outcome.amount if outcome.likely else 0,
        "household_members": 1,
        "rent_level": CITY_RENT_LEVEL,
        "date": TODAY.isoformat(),
    }
    assert "4000" not in str(carried) and "1300" not in str(carried)  # no income travels
    assert carry_decode(query["carry"][0], kind="wedding") is None


def test_no_data_goes_to_another_site():
    summary = precheck_summary(
        eligible=True, amount=120, household_members=2, rent_level=3, on=TODAY
    )
    assert counselling_link("https://example.org/termin", summary) == "https://example.org/termin"
    assert counselling_link("", summary) == ""
    assert "carry=" in counselling_link("/buergerbuero/termin/", summary)
