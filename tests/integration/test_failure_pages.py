"""The database away: a friendly 503 with Retry-After, /healthz degraded, never a traceback
(reliability F-3, BSI APP.3.2.A12).

Three ways the database goes away: the connection's cursor fails (patched), the server is
really unreachable (the default connection pointed at a closed port, or at a SQLite file that
cannot be opened), and SQLite stays locked by a second connection holding BEGIN IMMEDIATE
longer than the busy timeout.
"""

from __future__ import annotations

import socket
import sqlite3
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, connections
from django.test import Client

LEAKS = ("Traceback", "OperationalError", 'File "', "django.db", "SELECT", "line ")


def _assert_friendly_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    for leak in LEAKS:
        assert leak not in body
    return body


def _assert_page(response):
    body = _assert_friendly_503(response)
    assert "Der Dienst ist kurz nicht erreichbar" in body
    assert 'lang="de"' in body


def _assert_api(response):
    _assert_friendly_503(response)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "service_unavailable"


def _browser() -> Client:
    """Like a real server: errors become responses instead of being re-raised in the test."""
    return Client(raise_request_exception=False)


# --- The cursor fails ----------------------------------------------------------------------


@pytest.fixture
def cursor_fails(db, monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    def start():
        monkeypatch.setattr(connections["default"], "cursor", fail)

    yield start
    monkeypatch.undo()  # before the test database is rolled back


def test_a_page_answers_503_when_the_database_fails(bottrop, cursor_fails):
    cursor_fails()
    _assert_page(_browser().get("/trauung/"))


def test_the_api_answers_503_as_json(bottrop, cursor_fails):
    cursor_fails()
    _assert_api(_browser().get("/api/v1/venues"))


def test_a_failure_in_a_middleware_also_answers_503(cursor_fails):
    """Loading the signed-in user happens in a middleware, before any view: handler500."""
    browser = _browser()
    browser.force_login(User.objects.create_user("standesamt", is_staff=True))
    cursor_fails()
    _assert_page(browser.get("/verwaltung/"))


def test_healthz_is_degraded_when_the_cursor_fails(cursor_fails):
    cursor_fails()
    response = _browser().get("/healthz")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json() == {"status": "degraded", "database": "unreachable"}


def test_other_errors_get_the_friendly_500_page(db, monkeypatch):
    def broken(self, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("rathaus.core.views.HomeView.get_context_data", broken)
    response = _browser().get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Es ist ein Fehler aufgetreten" in body
    assert "secret detail" not in body and "Traceback" not in body


# --- The database is really away -------------------------------------------------------------


@contextmanager
def default_database(**changes):
    """Point the default connection somewhere else for a while, then restore it."""
    connection = connections["default"]
    saved_settings, saved_connection = connection.settings_dict, connection.connection
    connection.connection = None
    connection.settings_dict = {**saved_settings, **changes}
    try:
        yield
    finally:
        if connection.connection is not None:
            connection.connection.close()
        connection.connection = saved_connection
        connection.settings_dict = saved_settings
        connection.errors_occurred = False


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_server_gives_503_and_degraded_health(tmp_path):
    connection = connections["default"]
    if connection.vendor == "sqlite":
        target = {"NAME": str(tmp_path / "missing-directory" / "rathaus.sqlite3")}
    else:
        target = {"HOST": "127.0.0.1", "PORT": str(_closed_port())}
    browser = _browser()
    with default_database(**target):
        health = browser.get("/healthz")
        page = browser.get("/trauung/")
        api = browser.get("/api/v1/venues")
    assert health.status_code == 503
    assert health.json() == {"status": "degraded", "database": "unreachable"}
    _assert_page(page)
    _assert_api(api)
    assert browser.get("/healthz").json()["status"] == "ok"  # and back


# --- SQLite stays busy -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_sqlite_busy_beyond_its_timeout_gives_503_and_degraded_health(tmp_path):
    connection = connections["default"]
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's busy timeout; PostgreSQL waits on row locks instead")
    connection.ensure_connection()
    path = tmp_path / "rathaus.sqlite3"
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)  # the migrated schema, as a file
    options = {**connection.settings_dict["OPTIONS"], "timeout": 0.2}
    browser = _browser()
    with default_database(NAME=str(path), OPTIONS=options):
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            health = browser.get("/healthz")
            login = browser.post("/login/", {"username": "niemand", "password": "falsch"})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        recovered = browser.get("/healthz")
        login_again = browser.post("/login/", {"username": "niemand", "password": "falsch"})
    assert health.status_code == 503 and health["Retry-After"] == "30"
    assert health.json() == {"status": "degraded", "database": "busy"}
    _assert_page(login)  # the failed login must be recorded (lockout): a write
    assert recovered.json() == {"status": "ok", "database": "ok"}
    assert login_again.status_code == 200
