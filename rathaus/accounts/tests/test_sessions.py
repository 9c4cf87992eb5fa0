"""Staff sessions: idle and absolute limits, and the end of every other session after a
password change, a deactivation or "log out everywhere" (reliability B-7).

Each test signs in through the real login page with one or two browsers (test clients) and
moves a frozen clock forward; the middleware, Django's session store and the login all read
the same clock.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from rathaus.accounts.middleware import SESSION_KEY
from rathaus.accounts.models import StaffSessionRevocation

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Ganz-Neues-Kennwort-2028"
PAGE = "/login/konto/"


def _browser(password=PASSWORD) -> Client:
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = browser.post("/login/", {"username": "standesamt", "password": password})
    assert response.status_code == 302, "login failed"
    return browser


def _signed_in(browser: Client) -> bool:
    response = browser.get(PAGE)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    return False


def _login_page_message(browser: Client, response) -> str:
    return browser.get(response["Location"]).content.decode()


def test_idle_limit_logs_out_with_a_message(clock, staff):
    browser = _browser()
    assert _signed_in(browser)
    clock.advance(minutes=29)
    assert _signed_in(browser)  # activity restarts the idle time
    clock.advance(minutes=31)
    response = browser.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Flogin%2Fkonto%2F"
    assert "_auth_user_id" not in browser.session
    assert "nothing happened for 30 minutes" in _login_page_message(browser, response)


def test_activity_keeps_the_session_until_the_absolute_limit(clock, staff):
    browser = _browser()
    for _ in range(29):  # 9 h 40 min of work, a click every 20 minutes
        clock.advance(minutes=20)
        assert _signed_in(browser)
    clock.advance(minutes=21)  # 10 h 1 min after the login
    response = browser.get(PAGE)
    assert response.status_code == 302
    assert "may last at most 10 hours" in _login_page_message(browser, response)


def test_limits_come_from_the_settings(clock, staff, settings):
    settings.RATHAUS_STAFF_SESSION_IDLE_MINUTES = 5
    settings.RATHAUS_STAFF_SESSION_ABSOLUTE_HOURS = 1
    browser = _browser()
    clock.advance(minutes=4)
    assert _signed_in(browser)
    clock.advance(minutes=6)
    assert not _signed_in(browser)
    browser = _browser()
    for _ in range(15):
        clock.advance(minutes=4)
        assert _signed_in(browser)
    clock.advance(minutes=1, seconds=1)
    assert not _signed_in(browser)


def test_the_session_cookie_ends_with_the_absolute_limit(clock, staff):
    browser = _browser()
    browser.get(PAGE)
    expiry = browser.session.get_expiry_date()
    assert clock.now + timedelta(hours=10) <= expiry <= clock.now + timedelta(hours=10, minutes=5)
    assert browser.session[SESSION_KEY]["user"] == staff.pk


def test_a_password_change_ends_every_other_session(staff):
    here, elsewhere = _browser(), _browser()
    assert _signed_in(here) and _signed_in(elsewhere)
    response = here.post(
        "/login/passwort/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == PAGE
    assert _signed_in(here)
    assert not _signed_in(elsewhere)
    assert "_auth_user_id" not in elsewhere.session
    assert _signed_in(_browser(NEW_PASSWORD))


def test_a_wrong_old_password_changes_nothing(staff):
    browser = _browser()
    response = browser.post(
        "/login/passwort/",
        {"old_password": "falsch", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_deactivation_ends_every_session_even_after_reactivation(staff):
    first, second = _browser(), _browser()
    assert _signed_in(first) and _signed_in(second)
    staff.is_active = False
    staff.save()
    assert not _signed_in(first) and not _signed_in(second)
    staff.is_active = True
    staff.save()
    assert not _signed_in(first) and not _signed_in(second)
    assert _signed_in(_browser())  # a new login works again


def test_log_out_everywhere_ends_all_sessions_this_one_included(clock, staff):
    here, elsewhere = _browser(), _browser()
    assert _signed_in(here) and _signed_in(elsewhere)
    clock.advance(seconds=1)
    response = here.post("/login/ueberall-abmelden/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not _signed_in(here)
    response = elsewhere.get(PAGE)
    assert response.status_code == 302
    assert "sessions on all devices were ended" in _login_page_message(elsewhere, response)
    assert StaffSessionRevocation.objects.get(user=staff).revoked_at == clock.now
    clock.advance(seconds=1)
    assert _signed_in(_browser())  # sessions begun afterwards are not affected


def test_log_out_everywhere_needs_post_and_the_csrf_token(staff):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    assert browser.get("/login/ueberall-abmelden/").status_code == 405
    assert browser.post("/login/ueberall-abmelden/").status_code == 403
    assert not StaffSessionRevocation.objects.exists()


def test_a_session_from_before_the_middleware_ends_after_a_revocation(staff):
    browser = Client()
    browser.force_login(staff)  # no stamp in the session yet
    session = browser.session
    assert SESSION_KEY not in session
    StaffSessionRevocation.objects.create(user=staff, revoked_at=timezone.now())
    assert not _signed_in(browser)


def test_the_account_page_offers_both_actions(staff):
    page = _browser().get(PAGE).content.decode()
    assert 'action="/login/ueberall-abmelden/"' in page
    assert 'href="/login/passwort/"' in page
    assert 'href="/verwaltung/datenschutz/"' in page  # the registry office may use it


def test_account_pages_need_the_second_factor_where_required(staff, settings):
    settings.RATHAUS_STAFF_OTP_REQUIRED = True
    browser = _browser()
    for url in (PAGE, "/login/passwort/"):
        response = browser.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/zwei-faktor/?next=")
    response = browser.post("/login/ueberall-abmelden/")
    assert response["Location"].startswith("/login/zwei-faktor/")
    assert User.objects.get(pk=staff.pk).is_active
