"""core.sql.insert_batches: many rows, few statements, primary keys read back in order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rathaus.core import sql
from rathaus.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _messages(count):
    return [
        OutboxMessage(to=f"n{i}@example.org", from_email="x@example.org", subject=str(i),
                      text="t", next_attempt_at=timezone.now())
        for i in range(count)
    ]  # fmt: skip


def test_primary_keys_come_back_in_the_order_of_the_rows():
    messages = _messages(7)
    with CaptureQueriesContext(connection) as queries:
        sql.insert_batches(messages, returning=True, size=3)
    assert len(queries) == 3
    for message in messages:
        assert OutboxMessage.objects.get(pk=message.pk).subject == message.subject
        assert message._state.adding is False


def test_without_returning_and_with_nothing():
    sql.insert_batches(_messages(5), size=2)
    sql.insert_batches([], returning=True)
    assert OutboxMessage.objects.count() == 5
