"""The Traukalender in a real browser: a couple's whole way, and axe-core on the key pages."""

import re
from datetime import datetime

import icalendar
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from rathaus.core.timezone import BERLIN

from .conftest import CONFIRM_PATH, DESKTOP, PHONE
from .helpers import fill_couple, slot_free

pytestmark = pytest.mark.browser


def test_couple_on_a_phone_reserves_schloss_beck_on_a_saturday(bottrop_live, new_page):
    page = new_page(PHONE)
    # The month derives from the data: today's month may have no free time left.
    page.goto(f"{bottrop_live.url}/trauung/?month={slot_free('schloss-beck', 5).day:%Y-%m}")

    # Saturdays only; htmx swaps the results in place and updates the address.
    page.check("#id_weekdays_5")
    page.click("#search-submit")
    page.wait_for_url(re.compile(r"weekdays=5"))
    page.locator("table a.free").first.click()
    page.wait_for_url(re.compile(r"day=\d{4}-\d{2}-\d{2}"))
    assert page.locator("#h-slots").evaluate("el => el === document.activeElement")
    times = page.locator("a.slot-time[href*='/schloss-beck/']")
    for href in times.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        epoch = int(re.search(r"/(\d+)/", href.split("schloss-beck")[1]).group(1))
        assert datetime.fromtimestamp(epoch, BERLIN).weekday() == 5
    times.first.click()

    # The form: first sent incomplete, then completed; nothing typed is lost.
    page.wait_for_selector("#reservation-form")
    assert "Schloss Beck" in page.locator("#chosen-slot").inner_text()
    page.fill("#id_partner1_given_name", "Çağla")
    page.click("#reservation-form button.primary")
    summary = page.locator(".error-summary")
    summary.wait_for()  # the form is sent once the bot check (rathaus/protection) is solved
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.input_value("#id_partner1_given_name") == "Çağla"
    summary.locator("a[href='#id_partner1_family_name']").click()
    assert page.evaluate("document.activeElement.id") == "id_partner1_family_name"
    fill_couple(page)
    page.click("#reservation-form button.primary")
    page.wait_for_url(re.compile(r"/eingegangen/$"))
    reference = page.locator(".reference").inner_text()
    assert re.fullmatch(r"TK-\d{4}-[A-Z2-9]{4}", reference)

    # The link from the e-mail only shows a button; the click confirms.
    assert len(mail.outbox) == 1
    page.goto(bottrop_live.url + CONFIRM_PATH.search(mail.outbox[0].body).group(0))
    page.click("form[method=post] button.primary")
    page.wait_for_selector(".status-head")
    assert page.locator(".reference").inner_text() == reference
    assert "§ 13 Abs. 4" in page.locator("#h-notice + p + p").inner_text()

    with page.expect_download() as download:
        page.click("a[download]")
    assert download.value.suggested_filename == f"{reference}.ics"
    with open(download.value.path(), "rb") as ics:
        event = icalendar.Calendar.from_ical(ics.read()).walk("VEVENT")[0]
    assert reference in str(event["uid"])

    page.click("a.button.danger")
    page.click("form[method=post] button.danger")
    page.wait_for_selector(".status-head .badge-err")
    assert page.locator("a[download]").count() == 0


def _assert_no_violations(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_violations(bottrop_live, new_page, viewport):
    from tests.browser.helpers import reservation_confirmed

    page = new_page(viewport)
    base = bottrop_live.url
    month = f"{slot_free('schloss-beck', 5).day:%Y-%m}"
    page.goto(f"{base}/trauung/?weekdays=5&weekdays=4&month={month}")
    _assert_no_violations(page, "search")
    page.locator("table a.free").first.click()
    page.wait_for_url(re.compile(r"day="))
    _assert_no_violations(page, "search with a day")
    page.goto(f"{base}/trauung/orte/schloss-beck/?month={month}")
    _assert_no_violations(page, "venue")
    page.locator("a.slot-time").first.click()
    page.wait_for_selector("#reservation-form")
    page.click("#reservation-form button.primary")
    page.wait_for_selector(".error-summary")
    _assert_no_violations(page, "form with errors")
    page.goto(base + reservation_confirmed())
    _assert_no_violations(page, "status")
