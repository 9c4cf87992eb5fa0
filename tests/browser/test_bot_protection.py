"""The ALTCHA widget in a real browser: served from our own files, allowed by our CSP, solved
before the reservation is sent (rathaus/protection)."""

import re

import pytest
from django.core import mail

from rathaus.protection.models import SpentChallenge
from rathaus.weddings.models import Reservation

from .helpers import slot_free

pytestmark = pytest.mark.browser


def _reserve_page(page, base):
    slot = slot_free()
    page.goto(f"{base}/trauung/reservieren/{slot.venue.slug}/{slot.start_epoch}/")
    return slot


def _fill(page):
    page.fill("#id_partner1_given_name", "Çağla")
    page.fill("#id_partner1_family_name", "Öztürk-Nguyễn")
    page.fill("#id_partner2_given_name", "Luca")
    page.fill("#id_partner2_family_name", "D'Amato")
    page.fill("#id_email", "paar@example.org")
    page.fill("#id_guests", "40")
    page.check("#id_consent")


def test_widget_solves_from_our_own_server_and_the_reservation_goes_through(
    bottrop_live, new_page, settings
):
    # Production-sized work (about a second), so the form is sent before it is solved.
    settings.RATHAUS_ALTCHA_COST, settings.RATHAUS_ALTCHA_MAX_COUNTER = 5000, 400
    page = new_page()
    hosts = []
    page.on(
        "request", lambda request: hosts.append(re.sub(r"^(\w+://[^/]+).*", r"\1", request.url))
    )
    _reserve_page(page, bottrop_live.url)
    widget = page.locator("altcha-widget")
    assert widget.get_attribute("challenge") == "/api/v1/altcha/challenge"
    _fill(page)  # focusing the form starts the proof of work
    page.click("#reservation-form button.primary")  # sent at once: waits for the solution
    page.wait_for_url(re.compile(r"/eingegangen/$"))
    assert Reservation.objects.count() == 1
    assert SpentChallenge.objects.count() == 1  # the server checked a real solution
    assert len(mail.outbox) == 1
    assert set(hosts) == {bottrop_live.url}  # nothing from any other host


def test_the_widget_shows_verified_before_sending(bottrop_live, new_page):
    page = new_page(locale="de-DE")
    _reserve_page(page, bottrop_live.url)
    page.fill("#id_partner1_given_name", "Çağla")
    page.locator("altcha-widget [data-state=verified]").wait_for()
    assert "Überprüft" in page.locator("altcha-widget").inner_text()
    payload = page.locator("altcha-widget input[type=hidden][name=altcha]").input_value()
    assert len(payload) > 100


def test_without_javascript_the_form_still_reserves(bottrop_live, browser):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        _reserve_page(page, bottrop_live.url)
        assert "JavaScript ist ausgeschaltet" in page.locator(".altcha-field").inner_text()
        _fill(page)
        page.click("#reservation-form button.primary")
        page.wait_for_url(re.compile(r"/eingegangen/$"))
        assert Reservation.objects.count() == 1
        assert not SpentChallenge.objects.exists()
    finally:
        context.close()


def test_when_the_check_fails_the_form_is_sent_without_it(bottrop_live, browser, settings):
    settings.RATHAUS_RATE_LIMIT_CHALLENGE_IP = "0/1m"  # every challenge is refused (429)
    context = browser.new_context(locale="de-DE")
    try:
        page = context.new_page()
        _reserve_page(page, bottrop_live.url)
        _fill(page)
        page.click("#reservation-form button.primary")
        page.wait_for_url(re.compile(r"/eingegangen/$"))
        assert Reservation.objects.count() == 1
        assert not SpentChallenge.objects.exists()  # it took the no-JavaScript budget
    finally:
        context.close()
