"""The configuration cache: a value is reused only while no write has touched its tables.

These tests commit (transaction=True): inside a test's transaction nothing is ever stored.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection, transaction

from rathaus.core import revision
from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling import selectors as scheduling_selectors
from rathaus.scheduling.models import Booking, Closure, WeeklyRule
from rathaus.scheduling.tests.factories import ResourceFactory, WeeklyRuleFactory
from rathaus.weddings import selectors as wedding_selectors
from rathaus.weddings.models import ReservationPolicy

pytestmark = pytest.mark.django_db(transaction=True)

MONDAY = date(2027, 5, 3)
NOW = datetime(2027, 4, 1, 9, 0, tzinfo=BERLIN)
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def empty_cache():
    revision.cache_clear()
    yield
    revision.cache_clear()


@pytest.fixture
def counted():
    """A loader that counts its calls and returns the number of rules."""
    calls = []

    def load():
        calls.append(1)
        return WeeklyRule.objects.count()

    load.calls = calls
    return load


def _free_starts(resource):
    slots = scheduling_selectors.slots_free_between(
        resource_ids=[resource.id], first=MONDAY, last=MONDAY, now=NOW
    )
    return [f"{slot.start.astimezone(BERLIN):%H:%M}" for slot in slots]


def test_every_kind_of_write_to_a_watched_table_changes_the_revision():
    resource = ResourceFactory()
    seen = [revision.revision_current()]
    rule = WeeklyRuleFactory(resource=resource)  # insert
    seen.append(revision.revision_current())
    WeeklyRule.objects.filter(pk=rule.pk).update(note="changed")  # queryset update, no signal
    seen.append(revision.revision_current())
    with connection.cursor() as cursor:  # raw SQL, as an import or a DBA might write
        cursor.execute("DELETE FROM scheduling_weeklyrule WHERE id = %s", [rule.pk])
    seen.append(revision.revision_current())

    assert None not in seen
    assert len(set(seen)) == len(seen)


def test_a_write_to_an_unwatched_table_keeps_the_revision():
    ResourceFactory()
    before = revision.revision_current()

    Booking.objects.create(purpose="test", status="confirmed", start=NOW, end=NOW + HOUR)

    assert before is not None
    assert revision.revision_current() == before


def test_cached_loads_once_per_revision(counted):
    ResourceFactory()
    assert revision.cached("test.rules", counted) == 0
    assert revision.cached("test.rules", counted) == 0
    assert len(counted.calls) == 1

    WeeklyRuleFactory()

    assert revision.cached("test.rules", counted) == 1
    assert len(counted.calls) == 2


def test_nothing_is_stored_inside_a_transaction(counted):
    ResourceFactory()
    with transaction.atomic():
        revision.cached("test.rules", counted)
        revision.cached("test.rules", counted)
    assert len(counted.calls) == 2


def test_a_rolled_back_write_never_reaches_the_cache(counted):
    ResourceFactory()
    assert revision.cached("test.rules", counted) == 0
    with transaction.atomic():
        WeeklyRuleFactory()
        assert revision.cached("test.rules", counted) == 1  # this transaction sees its write
        transaction.set_rollback(True)

    assert revision.cached("test.rules", counted) == 0
    assert WeeklyRule.objects.count() == 0


def test_switched_off_it_loads_every_time(counted, settings):
    settings.RATHAUS_CONFIG_CACHE = False
    ResourceFactory()
    revision.cached("test.rules", counted)
    revision.cached("test.rules", counted)
    assert len(counted.calls) == 2


def test_pinned_block_checks_the_revision_once(counted, django_assert_num_queries):
    ResourceFactory()
    revision.cached("test.rules", counted)
    with django_assert_num_queries(1), revision.revision_pinned():
        for _ in range(5):
            revision.cached("test.rules", counted)
    assert len(counted.calls) == 1


def test_calendars_follow_a_closure_written_behind_the_orms_back():
    rule = WeeklyRuleFactory()  # Monday 09:00–12:00, 30-minute slots
    assert _free_starts(rule.resource)[:2] == ["09:00", "09:30"]
    assert _free_starts(rule.resource)[:2] == ["09:00", "09:30"]  # now from the cache

    start = local_datetime(MONDAY, time(9))
    stored = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO scheduling_closure (created_at, updated_at, resource_id, start, "end",'
            " reason, source, source_uid) VALUES (%s, %s, %s, %s, %s, '', '', '')",
            [stored(NOW), stored(NOW), rule.resource_id, stored(start), stored(start + HOUR)],
        )

    assert _free_starts(rule.resource)[:2] == ["10:00", "10:30"]
    assert Closure.objects.count() == 1


def test_the_policy_is_a_copy_so_a_caller_cannot_change_the_cached_one():
    ReservationPolicy.objects.create()
    policy = wedding_selectors.reservation_policy()
    original = policy.min_lead_days
    policy.min_lead_days = original + 99

    assert wedding_selectors.reservation_policy().min_lead_days == original
