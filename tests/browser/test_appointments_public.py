"""The Bürgerbüro in a real browser on a phone: a citizen books for two persons, confirms with
the link from the e-mail, sees the status page, cancels and books a new time; axe-core finds
no violation on any page on the way."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from rathaus.core.timezone import local_today

from .conftest import PHONE

pytestmark = pytest.mark.browser
CONFIRM = re.compile(r"/buergerbuero/termin/BB-\w+/bestaetigen/[\w=-]+/")


@pytest.fixture
def office_live(transactional_db, live_server):
    """Bottrop's citizen office (catalogue, locations, counters) for the live server."""
    from rathaus.appointments.bootstrap import citizen_office_load

    citizen_office_load(today=local_today())
    return live_server


def _axe_clean(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"
    assert results.response["passes"], "axe-core checked nothing"


def _choose_first_time(page) -> None:
    """A tap on the first free time: the bot check starts with it and the hold is sent as
    soon as the check is done."""
    page.locator("button.slot-time").first.click()
    page.wait_for_url(re.compile(r"/angaben/"))


def _choose_persons_and_times(page) -> None:
    """Person 1: identity card and passport; person 2 (added without JavaScript's help):
    passport. Then the first free time."""
    page.check("#id_p0-personalausweis")
    page.check("#id_p0-reisepass")
    page.click("button[name=personen]:has-text('Person hinzufügen')")
    page.wait_for_selector("#id_p1-reisepass")
    assert page.is_checked("#id_p0-personalausweis") and page.is_checked("#id_p0-reisepass")
    _axe_clean(page, "needs form with two persons")
    page.check("#id_p1-reisepass")
    page.click("button[name=weiter]")
    page.wait_for_url(re.compile(r"/zeiten/\?"))
    assert "Person 2" in page.locator(".slot-summary").inner_text()
    _axe_clean(page, "free times")
    _choose_first_time(page)
    assert "Für Sie reserviert bis" in page.locator(".deadline").inner_text()


def _fill_persons(page) -> None:
    page.fill("#id_p0-given_name", "Çağla")
    page.fill("#id_p0-family_name", "Öztürk")
    page.fill("#id_p0-date_of_birth", "01.05.1990")
    page.fill("#id_p1-given_name", "Deniz")
    page.fill("#id_p1-family_name", "Öztürk")
    page.fill("#id_p1-date_of_birth", "04.03.2019")


def test_a_family_books_confirms_cancels_and_rebooks_on_a_phone(office_live, new_page):
    page = new_page(PHONE)
    page.goto(f"{office_live.url}/buergerbuero/")
    _axe_clean(page, "start page")
    page.click("a.button[href='/buergerbuero/dienstleistungen/']")
    page.fill("input[name=q]", "Ausweis")
    page.click("form[role=search] button")
    page.wait_for_url(re.compile(r"\?q=Ausweis"))
    _axe_clean(page, "services A–Z, searched")
    page.click("a[href='/buergerbuero/dienstleistungen/personalausweis/']")
    assert "46,00 €" in page.content()
    _axe_clean(page, "service page")

    page.goto(f"{office_live.url}/buergerbuero/termin/")
    _axe_clean(page, "choose the location")
    page.click("a.button[href^='/buergerbuero/termin/rathaus/']")
    page.wait_for_selector("#id_p0-personalausweis")
    _axe_clean(page, "needs form")
    _choose_persons_and_times(page)
    _axe_clean(page, "details")

    # Sent incomplete first: the German error summary, nothing typed is lost.
    page.fill("#id_p0-given_name", "Çağla")
    page.fill("#id_email", "kein-at")
    page.click("form.reservation-form button.primary")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "Bitte überprüfen Sie Ihre Eingaben" in summary.inner_text() or summary.is_visible()
    assert page.input_value("#id_p0-given_name") == "Çağla"
    assert page.input_value("#id_email") == "kein-at"
    _axe_clean(page, "details with errors")
    _fill_persons(page)
    page.fill("#id_email", "familie@example.org")
    page.click("form.reservation-form button.primary")
    page.wait_for_url(re.compile(r"/termin/gesendet/BB-\w+/$"))
    reference = page.locator(".reference").inner_text()
    _axe_clean(page, "check your e-mail")

    (message,) = mail.outbox
    page.goto(office_live.url + CONFIRM.search(message.body).group(0))
    _axe_clean(page, "confirm")
    page.click("form[method=post] button.primary")
    page.wait_for_url(re.compile(rf"/termin/{reference}/[\w=-]+/$"))
    status = page.locator("main").inner_text()
    assert "Çağla Öztürk" in status and "Deniz Öztürk" in status
    assert "Namen und Geburtsdaten können nach der Buchung nicht geändert werden" in status
    _axe_clean(page, "status")

    page.click("a.button[href$='/absagen/']")
    _axe_clean(page, "cancel")
    page.click("form[method=post] button[type=submit]:has-text('Termin absagen')")
    page.wait_for_url(re.compile(rf"/termin/{reference}/[\w=-]+/$"))
    assert "Dieser Termin wurde abgesagt." in page.locator("main").inner_text()
    _axe_clean(page, "status, cancelled")

    # Book a new time: the same persons' services come preselected.
    page.click(".notice a:has-text('Neue Zeit buchen')")
    page.wait_for_selector("#id_p1-reisepass")
    assert page.is_checked("#id_p0-personalausweis") and page.is_checked("#id_p1-reisepass")
    page.click("button[name=weiter]")
    page.wait_for_url(re.compile(r"/zeiten/\?"))
    _choose_first_time(page)
    _fill_persons(page)
    page.fill("#id_email", "familie@example.org")
    page.click("form.reservation-form button.primary")
    page.wait_for_url(re.compile(r"/termin/gesendet/BB-\w+/$"))
    assert page.locator(".reference").inner_text() != reference


def test_public_status_page_on_a_phone(office_live, new_page):
    page = new_page(PHONE)
    page.goto(f"{office_live.url}/buergerbuero/status/")
    assert page.locator("h1").inner_text() == "Nächste freie Termine"
    _axe_clean(page, "public status")
    page.goto(f"{office_live.url}/buergerbuero/warteliste/")
    _axe_clean(page, "standby list")
