"""WCAG 2.2.1 in a real browser: staff are warned before the idle logout, can stay logged in
without a reload, and get back what they typed after a logout forced by the timeout or by an
ended session. The idle limit is shortened to 15 seconds (warning 7 seconds before)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_sessions_end_all

from .conftest import DESKTOP

pytestmark = pytest.mark.browser
PASSWORD = "Richtig-Geheim-2027"
PAGE = "/verwaltung/datenschutz/"
TYPED = "paar.mueller@example.org"


@pytest.fixture
def staff(transactional_db, live_server):
    roles_ensure()
    user = User.objects.create_user(
        "standesamt", email="standesamt@bottrop.example", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=roles.REGISTRY_OFFICE))
    return user


@pytest.fixture
def short_idle(settings):
    settings.RATHAUS_STAFF_SESSION_IDLE_MINUTES = 0.25


def _login(page, base: str) -> None:
    page.fill("#id_username", "standesamt")
    page.fill("#id_password", PASSWORD)
    page.click("form[data-staff-login] button.primary")


def _open_signed_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    _login(page, base)
    page.wait_for_url(re.compile(r"/verwaltung/"))
    page.goto(f"{base}{PAGE}")


def test_warning_before_the_idle_logout_and_stay_logged_in(
    staff, short_idle, live_server, new_page
):
    page = new_page(DESKTOP)
    _open_signed_in(page, live_server.url)
    page.focus("#id_email")
    dialog = page.locator("#session-warning")
    assert dialog.is_hidden()
    dialog.wait_for(state="visible", timeout=15_000)
    assert dialog.get_attribute("role") == "alertdialog"
    assert "Sie werden bald abgemeldet" in dialog.inner_text()
    assert re.search(r"in \d+ Sekunden", dialog.inner_text())
    assert page.evaluate("document.activeElement.hasAttribute('data-extend')")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    page.keyboard.press("Enter")  # "Angemeldet bleiben", without a reload
    dialog.wait_for(state="hidden")
    expect(page.locator("#session-status")).to_have_text("Sie bleiben angemeldet.")
    assert page.evaluate("document.activeElement.id") == "id_email"  # focus back where it was
    page.wait_for_timeout(9_000)  # past the first end (15 s after the page came)
    page.goto(f"{live_server.url}{PAGE}")
    assert page.url.endswith(PAGE), "the session should have been extended"


def test_what_was_typed_survives_the_idle_logout(staff, short_idle, live_server, new_page):
    page = new_page(DESKTOP)
    _open_signed_in(page, live_server.url)
    page.fill("#id_email", TYPED)
    page.wait_for_url(re.compile(r"/login/\?next="), timeout=25_000)  # the timeout reloads
    assert "nicht aktiv waren" in page.inner_text("main")
    _login(page, live_server.url)
    page.wait_for_url(re.compile(re.escape(PAGE) + "$"))
    assert page.input_value("#id_email") == TYPED
    page.get_by_text("wieder eingetragen").wait_for()


def test_a_post_after_the_session_ended_is_not_lost(staff, live_server, new_page):
    page = new_page(DESKTOP)
    _open_signed_in(page, live_server.url)
    page.fill("#id_email", TYPED)
    staff_sessions_end_all(user=staff)  # e.g. "log out everywhere" on another device
    page.click("main form[method=post] button.primary")
    page.wait_for_url(re.compile(r"/login/"))
    assert page.input_value("form[data-staff-login] input[name=next]") == PAGE
    _login(page, live_server.url)
    page.wait_for_url(re.compile(re.escape(PAGE) + "$"))
    assert page.input_value("#id_email") == TYPED
    page.get_by_text("wieder eingetragen").wait_for()


def test_without_javascript_nothing_breaks(staff, live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP, locale="de-DE")
    try:
        page = context.new_page()
        _open_signed_in(page, live_server.url)
        assert page.locator("#session-warning").is_hidden()
        page.fill("#id_email", TYPED)
        page.click("main form[method=post] button.primary")
        assert page.url.endswith(PAGE) and TYPED in page.inner_text("main")
    finally:
        context.close()


def test_staying_logged_in_in_one_tab_calms_the_other(staff, short_idle, live_server, new_page):
    first = new_page(DESKTOP)
    _open_signed_in(first, live_server.url)
    second = first.context.new_page()
    second.goto(f"{live_server.url}/login/konto/")
    for page in (first, second):
        page.locator("#session-warning").wait_for(state="visible", timeout=15_000)
    second.click("#session-warning [data-extend]")
    first.locator("#session-warning").wait_for(state="hidden", timeout=3_000)
    first.wait_for_timeout(9_000)  # past the first tab's own end (16 s after it loaded)
    assert first.url.endswith(PAGE)
