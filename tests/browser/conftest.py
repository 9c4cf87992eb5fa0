"""Shared fixtures of the browser tests: one Chromium per session, Bottrop data per test.

Debian's Chromium is used as installed (never `playwright install`). Tests here are marked
`browser`; the root conftest skips them without Chromium (or fails them with REQUIRE_BROWSER=1).
"""

import os
import re
from datetime import UTC, datetime

import pytest
import time_machine

from rathaus.core.timezone import local_today

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CONFIRM_PATH = re.compile(r"/trauung/reservierung/TK-[\w-]+/bestaetigen/[\w=-]+/")


@pytest.fixture(scope="session")
def playwright():
    """Playwright's sync API keeps an event loop running in this thread, which Django's
    async-safety check mistakes for async code; the ORM calls here are all synchronous."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as instance:
            yield instance
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def bottrop_live(transactional_db, live_server):
    """Bottrop's venues and rules in the database the live server reads."""
    from rathaus.appointments.bootstrap import citizen_office_load
    from rathaus.weddings.bootstrap import bottrop_data_load

    bottrop_data_load(today=local_today())
    citizen_office_load(today=local_today())
    return live_server


def _console(message, errors: list) -> None:
    # Form pages answer 409/422 on purpose; Chromium logs that as a failed document load.
    if message.type == "error" and not EXPECTED_STATUS.search(message.text):
        errors.append(message.text)


EXPECTED_STATUS = re.compile(r"status of (409|422)")


@pytest.fixture
def new_page(browser):
    """Pages in fresh contexts (German, as the city's default); console errors fail the test."""
    contexts, errors = [], []

    def make(viewport=PHONE, locale="de-DE"):
        context = browser.new_context(viewport=viewport, locale=locale, accept_downloads=True)
        contexts.append(context)
        if time_machine.escape_hatch.is_travelling():
            # The page's clock follows the moved test clock, as the server's does: the bot
            # check's challenge expires by the server's time (docs/decisions/0008).
            context.clock.install(time=datetime.now(tz=UTC))
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda msg: _console(msg, errors))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, errors
