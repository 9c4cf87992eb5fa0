"""Every staff page: the TOTP second factor (as in production), the staff navigation with
logout, and the session warning's data and "stay logged in" (WCAG 2.2.1)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from rathaus.accounts import roles

from .conftest import PASSWORD
from .factories import StaffUserFactory

pytestmark = pytest.mark.django_db
SKIPPED_PREFIXES = ("/admin/", "/api/", "/i18n/")  # the admin has OTPAdminSite; the API tokens


def _paths(patterns, prefix="/"):
    """Every URL of the project that takes no parameter."""
    for entry in patterns:
        route = str(entry.pattern)
        if "<" in route or "(" in route:
            continue
        route = route.lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from _paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def _user(username, *, role=None, superuser=False) -> User:
    return StaffUserFactory(username=username, is_superuser=superuser, roles=[role] if role else [])


def _signed_in(username) -> Client:
    browser = Client(HTTP_ACCEPT_LANGUAGE="de")
    assert browser.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return browser


def test_every_staff_page_asks_for_the_second_factor(settings):
    settings.RATHAUS_STAFF_OTP_REQUIRED = True  # the production default
    _user("chefin", superuser=True)
    browser, anonymous = _signed_in("chefin"), Client()
    staff_pages = []
    for path in sorted(set(_paths(get_resolver().url_patterns))):
        if path.startswith(SKIPPED_PREFIXES) or path.startswith("/login/"):
            continue
        refused = anonymous.get(path)
        if refused.status_code != 302 or not refused["Location"].startswith("/login/?"):
            continue  # a public page
        staff_pages.append(path)
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/zwei-faktor/?next="), path
    assert {
        "/verwaltung/wohngeld/berechnung/",
        "/verwaltung/wohngeld/planung/",
        "/verwaltung/",
    } <= set(staff_pages)


@pytest.mark.parametrize("role", [roles.HOUSING_BENEFIT_STAFF, roles.CITIZEN_OFFICE_ADMIN])
@pytest.mark.parametrize(
    "path", ["/verwaltung/wohngeld/berechnung/", "/verwaltung/wohngeld/planung/"]
)
def test_wohngeld_pages_have_the_staff_navigation_and_logout(role, path):
    _user("sachbearbeitung", role=role)
    html = _signed_in("sachbearbeitung").get(path).content.decode()
    assert 'class="site-nav staff-nav' in html
    assert 'action="/logout/"' in html and "Abmelden (sachbearbeitung)" in html
    assert 'href="/login/konto/"' in html and 'href="/verwaltung/wohngeld/planung/"' in html
    assert 'id="session-warning"' in html


def test_public_pages_carry_neither_navigation_nor_warning(client):
    html = client.get("/wohngeld/").content.decode()
    assert "staff-nav" not in html and "session-warning" not in html


def _remaining(html: str) -> tuple[int, int]:
    found = re.search(r'data-remaining="(\d+)" data-lead="(\d+)"', html)
    return int(found.group(1)), int(found.group(2))


def test_the_page_knows_when_the_session_ends(clock):
    _user("sachbearbeitung", role=roles.HOUSING_BENEFIT_STAFF)
    browser = _signed_in("sachbearbeitung")
    assert _remaining(browser.get("/verwaltung/wohngeld/planung/").content.decode()) == (1800, 120)
    clock.advance(seconds=30)  # within the minute the session is not written again
    assert _remaining(browser.get("/verwaltung/wohngeld/planung/").content.decode()) == (1770, 120)
    clock.advance(seconds=30)  # now it is
    assert _remaining(browser.get("/verwaltung/wohngeld/planung/").content.decode()) == (1800, 120)


def test_stay_logged_in_extends_the_idle_time(clock):
    _user("sachbearbeitung", role=roles.HOUSING_BENEFIT_STAFF)
    browser = _signed_in("sachbearbeitung")
    browser.get("/verwaltung/wohngeld/planung/")
    clock.advance(minutes=29)
    extended = browser.post("/login/sitzung/", HTTP_ACCEPT="application/json")
    assert extended.status_code == 200 and extended.json() == {"remaining": 1800}
    clock.advance(minutes=29)
    assert browser.get("/verwaltung/wohngeld/planung/").status_code == 200


def test_stay_logged_in_without_javascript_goes_back_to_the_page(clock):
    _user("sachbearbeitung", role=roles.HOUSING_BENEFIT_STAFF)
    browser = _signed_in("sachbearbeitung")
    clock.advance(minutes=29)
    back = browser.post("/login/sitzung/", {"next": "/verwaltung/wohngeld/planung/?x=1"})
    assert back.status_code == 303 and back["Location"] == "/verwaltung/wohngeld/planung/?x=1"
    elsewhere = browser.post("/login/sitzung/", {"next": "https://evil.example/"})
    assert elsewhere["Location"] == "/verwaltung/"  # the staff shell's start page
    clock.advance(minutes=29)
    assert browser.get("/verwaltung/wohngeld/planung/").status_code == 200


def test_stay_logged_in_cannot_revive_an_ended_session(clock):
    _user("sachbearbeitung", role=roles.HOUSING_BENEFIT_STAFF)
    browser = _signed_in("sachbearbeitung")
    clock.advance(minutes=31)
    late = browser.post("/login/sitzung/", HTTP_ACCEPT="application/json")
    assert late.status_code == 302 and late["Location"].startswith("/login/")
    assert browser.get("/verwaltung/wohngeld/planung/").status_code == 302
    anonymous = Client().post("/login/sitzung/", HTTP_ACCEPT="application/json")
    assert anonymous.status_code == 401
