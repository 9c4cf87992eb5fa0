"""Renewal and change of plate in a real browser on a phone: the holder opens the status link,
renews with one click (the transfer is matched from the bank statement) and gets a permit
that starts the day after the old one ends; a new plate is approved by the vehicle register,
paid, issued, and the old permit is revoked."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.utils import timezone

from rathaus.core.timezone import local_datetime
from rathaus.parking_permits.bootstrap import bottrop_parking_load
from rathaus.parking_permits.constants import ApplicationKind, EndReason, Status
from rathaus.parking_permits.links import status_path
from rathaus.parking_permits.models import Application, Permit
from rathaus.parking_permits.services.payments import payment_record, statement_import
from rathaus.parking_permits.tests import factories as f
from rathaus.parking_permits.tests.camt_sample import entry, statement

from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def holder_live(transactional_db, live_server, settings):
    """Erika's permit, issued 2027-03-10 and valid until 2028-03-09, as the page shows it."""
    bottrop_parking_load(apps)  # emptied by the transactional tests before this one
    f.resident()
    f.vehicle()
    application = f.submit()
    f.paid(application)
    return live_server, application, Permit.objects.get(application=application)


def _axe_clean(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def _at(day: date):
    return time_machine.travel(local_datetime(day, time(10)), tick=True)


def test_a_holder_renews_with_one_click_and_the_new_permit_follows_without_a_gap(
    holder_live, new_page
):
    server, application, old = holder_live
    with _at(date(2028, 2, 1)):  # in the six weeks before the end
        page = new_page(PHONE)
        page.goto(server.url + status_path(application))
        section = page.locator("section", has=page.locator("#renewal-title"))
        assert "10.03.2028" in section.inner_text()  # the day after the old one ends
        _axe_clean(page, "status page with the renewal offer")
        page.get_by_role("button", name="Jetzt verlängern").click()
        page.wait_for_load_state()

        renewal = Application.objects.get(previous_permit=old)
        assert renewal.kind == ApplicationKind.RENEWAL and renewal.status == Status.APPROVED
        assert page.url.endswith(status_path(renewal))
        assert "genehmigt" in page.locator("dl").first.inner_text()
        assert page.locator("svg.epc-qr").count() == 1  # the GiroCode for the transfer
        assert old.number in page.locator("main").inner_text()
        _axe_clean(page, "status page of the renewal")

        statement_import(
            content=statement([entry(renewal.amount, renewal.remittance, ref="R1")]),
            actor=None,
            now=timezone.now(),
        )
        page.reload()
        new = Permit.objects.get(application=renewal)
        assert (new.valid_from, new.valid_until) == (date(2028, 3, 10), date(2029, 3, 9))
        assert new.replaces == old
        text = page.locator("main").inner_text()
        assert f"{new.number}, gültig 10.03.2028 – 09.03.2029" in text, text
        link = page.get_by_role("link", name="Ausweis herunterladen (PDF)")
        pdf = page.request.get(server.url + link.get_attribute("href"))
        assert pdf.ok and pdf.body().startswith(b"%PDF")

        page.goto(server.url + status_path(application))  # the old page points to the new one
        assert status_path(renewal) in page.content()


def test_a_holder_changes_the_plate_and_the_old_permit_is_revoked(holder_live, new_page):
    server, application, old = holder_live
    f.vehicle(plate="BOT-NE 7")  # the new car, registered to Erika
    with _at(date(2027, 9, 1)):
        page = new_page(PHONE)
        page.goto(server.url + status_path(application))
        page.get_by_role("link", name="Kennzeichen ändern").click()
        page.wait_for_selector("#id_plate")
        _axe_clean(page, "new plate form")
        page.fill("#id_plate", "bot ne 7")
        page.get_by_role("button", name="Neues Kennzeichen beantragen").click()
        page.wait_for_load_state()

        change = Application.objects.get(previous_permit=old)
        assert change.kind == ApplicationKind.PLATE_CHANGE and change.plate == "BOT-NE 7"
        assert change.status == Status.APPROVED and change.automatic
        assert "genehmigt" in page.locator("dl").first.inner_text()
        assert "BOT-NE 7" in page.locator("main").inner_text()

        payment_record(
            application=change,
            amount=change.amount,
            source="counter",
            booked_on=date(2027, 9, 1),
            actor=None,
            now=timezone.now(),
        )
        page.reload()
        new = Permit.objects.get(application=change)
        assert (new.plate, new.valid_from, new.valid_until) == (
            "BOT-NE 7",
            date(2027, 9, 1),
            old.valid_until,
        )
        assert "Ausweis herunterladen (PDF)" in page.locator("main").inner_text()
        old.refresh_from_db()
        assert old.revoked_at is not None and old.end_reason == EndReason.REPLACED

        page.goto(f"{server.url}/parkausweis/pruefen/?c={old.code}")
        assert "widerrufen" in page.locator("main").inner_text()
        page.goto(server.url + status_path(application))
        assert "ersetzt" in page.locator("main").inner_text()
        _axe_clean(page, "status page of the replaced permit")
