"""Resident parking in a real browser on a phone: pre-check, application, automatic decision
or the case worker, transfer matched from the bank statement, the PDF and its signed code."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps

from rathaus.parking_permits.bootstrap import bottrop_parking_load
from rathaus.parking_permits.models import Application, Permit
from rathaus.parking_permits.services.payments import statement_import
from rathaus.parking_permits.signing import code_verify
from rathaus.parking_permits.tests import factories as f
from rathaus.parking_permits.tests.camt_sample import entry, statement

from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def parking_live(transactional_db, live_server, settings):
    settings.RATHAUS_BOT_PROTECTION = False  # the widget has its own browser tests
    bottrop_parking_load(apps)  # emptied by the transactional tests before this one
    f.resident()
    f.vehicle()
    return live_server


def _axe_clean(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def _apply(page, base: str, *, given: str, plate: str) -> None:
    page.goto(f"{base}/parkausweis/")
    page.fill("#id_street", "osterfelder str.")
    page.fill("#id_number", "15")
    page.get_by_role("button", name="Anschrift prüfen").click()
    page.wait_for_load_state()
    assert "liegt in der Zone" in page.locator(".result").inner_text(), page.content()[-3000:]
    _axe_clean(page, "pre-check result")
    page.get_by_role("link", name="Ausweis beantragen").click()
    page.wait_for_selector("#id_given_name")
    assert page.input_value("#id_street") == "Osterfelder Straße"
    page.fill("#id_given_name", given)
    page.fill("#id_family_name", "Muster")
    page.fill("#id_birth_date", "1985-04-30")
    page.fill("#id_email", f"{given.lower()}@example.org")
    page.fill("#id_plate", plate)
    page.check("input[name=use_basis][value=keeper]")
    page.check("input[name=fee_kind][value=permit_1y]")
    page.check("#id_no_garage_confirmed")
    _axe_clean(page, "application form")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()


def test_a_resident_applies_on_a_phone_pays_by_transfer_and_gets_a_signed_permit(
    parking_live, new_page
):
    page = new_page(PHONE)
    base = parking_live.url
    _apply(page, base, given="Erika", plate="bot em 42")
    assert "genehmigt" in page.locator("dl").first.inner_text()
    assert page.locator("svg.epc-qr").count() == 1
    _axe_clean(page, "status page with GiroCode")

    application = Application.objects.get(given_name="Erika")
    statement_import(
        content=statement([entry(application.amount, application.remittance, ref="K1")]),
        actor=None,
        now=f.NOW,
    )
    page.reload()
    link = page.get_by_role("link", name="Ausweis herunterladen (PDF)")
    pdf = page.request.get(base + link.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    permit = Permit.objects.get(application=application)
    keys = page.request.get(f"{base}/parkausweis/schluessel.json").json()["keys"]
    published = next(k for k in keys if k["kid"] == permit.key_id)
    claims = code_verify(permit.code, public_key=published["public_key"])
    assert claims.plate == "BOT-EM 42"
    page.goto(f"{base}/parkausweis/pruefen/?c={permit.code}")
    assert "Echt und heute gültig." in page.content() or "Echt" in page.content()
    _axe_clean(page, "check page")


def test_when_the_register_does_not_match_a_case_worker_decides(parking_live, new_page):
    page = new_page(PHONE)
    _apply(page, parking_live.url, given="Max", plate="BOT-MX 7")
    body = page.locator("main").inner_text()
    assert "in der Sachbearbeitung" in body
    assert "Melderegister" in body  # the reason is shown


def test_the_pre_check_in_english(parking_live, new_page):
    page = new_page(PHONE, locale="en-GB")
    page.goto(f"{parking_live.url}/parkausweis/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.fill("#id_street", "Brauerstraße")
    page.fill("#id_number", "3")
    page.get_by_role("button", name="Check address").click()
    page.wait_for_load_state()
    assert "lies in the zone" in page.locator(".result").inner_text()
    _axe_clean(page, "pre-check in English")
