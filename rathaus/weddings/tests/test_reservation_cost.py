"""What one reservation costs the database, as a running server sees it (configuration cached).

The figure behind docs/benchmarks.md: a new statement on this path is a decision, not an
accident. Committed transactions (transaction=True): inside a test transaction nothing is
cached. On Bottrop's real data on purpose (docs/decisions/0015-test-data.md): the figure is the
one of the real configuration.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rathaus.core import revision
from rathaus.core.models import OutboxMessage
from rathaus.core.timezone import local_today
from rathaus.protection.testing import protection_off, rate_limits_off  # noqa: F401
from rathaus.weddings.bootstrap import bottrop_data_load
from rathaus.weddings.models import Reservation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("protection_off", "rate_limits_off"),
]


def _post(client, slot, number):
    body = {
        "venue": slot["venue"],
        "start": slot["start"],
        "partners": [
            {"given_name": "Anna", "family_name": f"Berg {number}"},
            {"given_name": "Ben", "family_name": f"Cohen {number}"},
        ],
        "email": f"paar-{number}@example.org",
        "guests": 10,
        "language": "de",
    }
    return client.post(
        "/api/v1/reservations",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def test_a_reservation_costs_thirteen_statements_on_sqlite_and_fifteen_on_postgres(
    client, settings, monkeypatch
):
    settings.RATHAUS_MAIL_SEND_ON_COMMIT = False  # the worker sends (docs/runbooks/deploy.md)
    # One request in CLEANUP_ONE_IN also deletes expired rate-limit windows: not the
    # reservation's cost, and by chance it would make this count flaky.
    monkeypatch.setattr("rathaus.protection.services.protection_cleanup", lambda **kwargs: {})
    settings.RATHAUS_MAX_ACTIVE_RESERVATIONS = 2
    revision.cache_clear()
    bottrop_data_load(today=local_today())
    first = local_today() + timedelta(days=40)
    slots = client.get(
        "/api/v1/slots", {"from": first.isoformat(), "to": (first + timedelta(days=30)).isoformat()}
    ).json()["slots"]
    assert _post(client, slots[0], 0).status_code == 201  # loads the configuration cache

    with CaptureQueriesContext(connection) as queries:
        response = _post(client, slots[1], 1)

    assert response.status_code == 201, response.content
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    # revision check, the day's bookings | BEGIN, advisory locks of address and couple
    # (PostgreSQL), per-couple count, resource lock (PostgreSQL), lapsed-or-clashing, booking,
    # allocations, the booking's identity keys (the core counts the limit by them), reservation,
    # audit entry, idempotency record, e-mail | COMMIT
    expected = 15 if connection.vendor == "postgresql" else 13
    assert len(statements) == expected, "\n".join(q["sql"] for q in queries.captured_queries)
    assert statements.count("INSERT") == 7  # the two allocations are one statement, as are the keys
    assert Reservation.objects.count() == 2
    assert OutboxMessage.objects.count() == 2
