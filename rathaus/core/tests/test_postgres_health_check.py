"""The health check of a persistent PostgreSQL connection asks the server only when the
connection has news (rathaus/core/postgresql/base.py)."""

import time
from unittest import mock

import pytest
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as StockWrapper

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def spare():
    """A second connection of its own, as a gunicorn worker holds one between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def test_backend_is_ours():
    assert type(connections["default"]).__module__ == "rathaus.core.postgresql.base"


def test_an_idle_connection_is_usable_without_a_round_trip(spare):
    with mock.patch.object(StockWrapper, "is_usable", side_effect=AssertionError("round trip")):
        assert spare.is_usable()


def test_a_connection_the_server_ended_is_not_usable(spare):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [spare.connection.info.backend_pid])
    deadline = time.monotonic() + 5
    while spare.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not spare.is_usable()


def test_django_replaces_the_ended_connection_before_the_next_request(spare):
    spare.health_check_enabled = True
    spare.health_check_done = False
    ended = spare.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [ended])
    time.sleep(0.2)  # the server's goodbye reaches the socket
    spare.close_if_health_check_failed()
    with spare.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != ended
