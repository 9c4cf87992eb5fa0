"""Changes by the holder in a real browser on a phone, from the status page: a replacement car
gets a temporary permit at once (its PDF opens), a lost permit is replaced by a new one, and
giving the permit back shows the refund. Dates come from the permit (issued today)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.utils import formats, timezone

from rathaus.parking_permits import selectors
from rathaus.parking_permits.bootstrap import bottrop_parking_load
from rathaus.parking_permits.constants import EndReason, PaymentSource, PermitKind
from rathaus.parking_permits.links import status_path
from rathaus.parking_permits.models import Permit, Refund
from rathaus.parking_permits.services.changes import refund_preview
from rathaus.parking_permits.services.payments import payment_record
from rathaus.parking_permits.tests import factories as f

from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def holder(transactional_db, live_server, settings):
    settings.RATHAUS_BOT_PROTECTION = False
    bottrop_parking_load(apps)
    f.resident()
    f.vehicle()
    now = timezone.now()
    application = f.submit(now=now)
    payment_record(
        application=application,
        amount=application.amount,
        source=PaymentSource.COUNTER,
        booked_on=timezone.localdate(now),
        actor=None,
        now=now,
    )
    permit = selectors.permit_for_application(application)
    assert permit is not None
    return live_server.url, permit


def _axe_clean(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def _money(amount) -> str:
    return formats.number_format(amount, 2, use_l10n=True, force_grouping=False)


def test_a_holder_reports_a_replacement_car_loses_the_permit_and_gives_it_back(holder, new_page):
    base, permit = holder
    page = new_page(PHONE)
    status = base + status_path(permit.application)
    page.goto(status)
    _axe_clean(page, "status page with the changes")

    # A replacement car: the temporary permit at once, its PDF from the status page
    page.get_by_role("link", name="Ersatzfahrzeug melden (Werkstatt, Mietwagen)").click()
    page.wait_for_selector("#id_plate")
    _axe_clean(page, "replacement vehicle form")
    page.fill("#id_plate", "bot r 77")
    page.fill("#id_starts", permit.valid_from.isoformat())
    page.fill("#id_days", "5")
    page.check("input[name=reason][value=repair]")
    page.get_by_role("button", name="Vorübergehenden Ausweis ausstellen").click()
    page.wait_for_load_state()
    temporary = Permit.objects.get(kind=PermitKind.TEMPORARY)
    assert temporary.plate == "BOT-R 77" and temporary.parent == permit
    assert temporary.number in page.locator("main").inner_text()
    link = page.get_by_role("link", name="Vorübergehenden Ausweis herunterladen (PDF)")
    pdf = page.request.get(base + link.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    _axe_clean(page, "status page with a temporary permit")

    # The permit is lost: revoked at once, a new one with a new number
    page.get_by_role("link", name="Ausweis verloren oder beschädigt: neuen erhalten").click()
    page.wait_for_selector("input[name=what]")
    _axe_clean(page, "lost permit form")
    page.check("input[name=what][value=lost]")
    page.check("#id_confirm")
    page.get_by_role("button", name="Widerrufen und neuen Ausweis ausstellen").click()
    page.wait_for_load_state()
    permit.refresh_from_db()
    assert permit.end_reason == EndReason.LOST and permit.revoked_at is not None
    new = selectors.permit_for_application(permit.application)
    assert new.replaces == permit
    assert new.number in page.locator("main").inner_text()
    pdf = page.request.get(status + "ausweis.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # Give it back today: the refund is shown before and after
    expected = refund_preview(new, timezone.localdate()).amount
    page.get_by_role("link", name="Ausweis zurückgeben oder Wegzug aus der Zone melden").click()
    page.wait_for_selector("#id_iban")
    assert f"{_money(expected)} €" in page.locator(".result").inner_text()
    _axe_clean(page, "cancellation form")
    page.fill("#id_account_holder", "Erika Muster")
    page.fill("#id_iban", "DE89 3704 0044 0532 0130 01")  # a digit wrong
    page.get_by_role("button", name="Ausweis beenden").click()
    page.wait_for_load_state()
    assert "Prüfziffer" in page.locator(".error-summary").inner_text()
    page.fill("#id_iban", "DE89 3704 0044 0532 0130 00")
    page.get_by_role("button", name="Ausweis beenden").click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert f"{_money(expected)} €" in page.content()
    assert "Erstattung" in body
    refund = Refund.objects.get()
    assert refund.amount == expected and refund.permit == new
    new.refresh_from_db()
    assert new.end_reason == EndReason.CANCELLED and new.revoked_at is not None
