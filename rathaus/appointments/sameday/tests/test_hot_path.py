"""The request form's hot path: with the configuration cached, a submission is one INSERT
that also checks the configuration is still the cached one; a change made after the cache was
filled is seen, and the submission is stored once either way.

These tests commit (transaction=True): inside a test's transaction nothing is ever cached.
"""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from rathaus.appointments.models import Location, Service
from rathaus.appointments.sameday.models import SameDayRequest
from rathaus.core import revision, sql

from .helpers import clock, same_day_office
from .test_pages import FORM

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("_unguarded", "_cold_cache"),
]


@pytest.fixture
def _unguarded():
    with override_settings(RATHAUS_BOT_PROTECTION=False, RATHAUS_RATE_LIMITS=False):
        yield


@pytest.fixture
def _cold_cache():
    revision.cache_clear()
    yield
    revision.cache_clear()


@pytest.fixture
def url():
    same_day_office()
    return reverse("sameday:location", args=["rathaus"])


def _warm(client, url):
    """The page fills the configuration cache; a first request reads the draw's window (once
    per process and day)."""
    assert client.get(url).status_code == 200
    first = {**FORM, "p1_given_name": "Erste", "email": "erste@example.org"}
    assert client.post(url, first).status_code == 302


def test_a_submission_with_the_configuration_cached_is_one_statement(client, url):
    with time_machine.travel(clock(7, 10), tick=False):
        _warm(client, url)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, FORM)
    assert response.status_code == 302
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    assert "core_configrevision" in queries.captured_queries[0]["sql"]
    assert SameDayRequest.objects.get(email="anna@example.org").persons[0]["given_name"] == "Anna"


def test_a_change_after_the_cache_was_filled_is_seen(client, url):
    with time_machine.travel(clock(7, 10), tick=False):
        _warm(client, url)
        Location.objects.filter(slug="rathaus").update(same_day_percent=0)  # no same-day here
        response = client.post(url, FORM)
    assert response.status_code == 404
    assert not SameDayRequest.objects.filter(email="anna@example.org").exists()


def test_a_service_taken_offline_after_the_cache_was_filled_is_refused(client, url):
    with time_machine.travel(clock(7, 10), tick=False):
        _warm(client, url)
        Service.objects.filter(slug="personalausweis").update(online=False)
        response = client.post(url, FORM)
    assert response.status_code == 400
    assert not SameDayRequest.objects.filter(email="anna@example.org").exists()


def test_a_harmless_change_costs_one_revision_check_and_stores_once(client, url):
    with time_machine.travel(clock(7, 10), tick=False):
        _warm(client, url)
        Service.objects.filter(slug="personalausweis").update(name_en="Identity card (new)")
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, FORM)
    assert response.status_code == 302
    statements = [q["sql"] for q in queries.captured_queries]
    assert sum(s.startswith("INSERT") for s in statements) == 2  # refused, then written
    assert any("SELECT value FROM core_configrevision" in s for s in statements)
    assert SameDayRequest.objects.filter(email="anna@example.org").count() == 1


def test_an_insert_whose_condition_fails_writes_nothing(url):
    row = SameDayRequest.objects.model(
        draw_id=None, reference="SD-TESTTEST", email="x@example.org", minutes=15
    )
    assert sql.insert(row, only_if=("1 = %s", [2])) is None
    assert not SameDayRequest.objects.exists()


def test_nothing_is_assumed_before_the_process_has_read_a_revision(monkeypatch):
    monkeypatch.setattr(revision, "_last_seen", None)
    with revision.revision_assumed() as assumed:
        assert assumed is False
        assert revision.revision_unchanged() is None


def test_a_run_again_counts_the_attempt_once_in_the_rate_limits(client, url):
    from rathaus.protection.models import RateLimitBucket

    with override_settings(RATHAUS_RATE_LIMITS=True), time_machine.travel(clock(7, 10)):
        _warm(client, url)
        Service.objects.filter(slug="personalausweis").update(name_en="Identity card (new)")
        hits = _ip_hits(RateLimitBucket)
        assert client.post(url, FORM).status_code == 302
        assert _ip_hits(RateLimitBucket) == hits + 1


def _ip_hits(model) -> int:
    return sum(
        model.objects.filter(scope="appointments.same_day", kind="ip").values_list(
            "hits", flat=True
        )
    )
