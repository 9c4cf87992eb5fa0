"""Visitor day permits in a real browser on a phone: the holder of a resident permit buys a
two-day permit for a visitor's plate with JavaScript switched off (plain form controls only),
chooses between the readings of an ambiguous plate, and downloads the PDF."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.utils import timezone

from rathaus.core.timezone import local_today
from rathaus.parking_permits.bootstrap import bottrop_parking_load
from rathaus.parking_permits.constants import PermitKind
from rathaus.parking_permits.links import status_path
from rathaus.parking_permits.models import Charge, Permit, Zone
from rathaus.parking_permits.tests import factories as f

from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def holder_live(transactional_db, live_server, settings):
    """Erika holds a resident permit issued today in a zone that sells visitor days (3 €)."""
    settings.RATHAUS_BOT_PROTECTION = False
    bottrop_parking_load(apps)  # emptied by the transactional tests before this one
    f.resident()
    f.vehicle()
    now = timezone.now()
    application = f.submit(now=now)
    f.paid(application, now=now)
    Zone.objects.filter(pk=application.zone_id).update(visitor_day_fee=Decimal("3.00"))
    return live_server, application


def _axe_clean(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def test_a_holder_buys_a_two_day_visitor_permit_on_a_phone_without_javascript(
    holder_live, browser, new_page
):
    live, application = holder_live
    base = live.url
    status = base + status_path(application)
    first = local_today() + timedelta(days=1)

    context = browser.new_context(viewport=PHONE, locale="de-DE", java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(status)
        section = page.locator("section.visitor-permits")
        assert "60 Besuchertage" in section.inner_text()
        section.get_by_role("link", name="Besuchertagesausweis kaufen").click()
        page.wait_for_selector("#id_plate")

        page.fill("#id_plate", "bota1")  # Bochum's BO-TA 1 or Bottrop's BOT-A 1
        page.fill("#id_first_day", first.isoformat())
        page.select_option("#id_days", "2")
        page.get_by_role("button", name="Besuchertagesausweis kaufen").click()
        page.wait_for_selector("input[name=plate_choice]")
        assert "mehrere Arten" in page.locator(".error-summary").inner_text()
        page.check("input[name=plate_choice][value='BO-TA 1']")
        page.get_by_role("button", name="Besuchertagesausweis kaufen").click()
        page.wait_for_selector("section.visitor-permits li")

        permit = Permit.objects.get(kind=PermitKind.VISITOR)
        assert (permit.plate, permit.valid_from, permit.valid_until) == (
            "BO-TA 1",
            first,
            first + timedelta(days=1),
        )
        assert Charge.objects.get(permit=permit).amount == Decimal("6.00")
        assert permit.number in page.locator(".messages").inner_text()
        listed = page.locator("section.visitor-permits li").inner_text()
        assert "BO-TA 1" in listed and "2 Tage" in listed and "6.00" in listed.replace(",", ".")
        assert "58 Besuchertage" in page.locator("section.visitor-permits").inner_text()

        link = page.get_by_role("link", name=f"Besuchertagesausweis {permit.number} (PDF)")
        pdf = page.request.get(base + link.get_attribute("href"))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")
    finally:
        context.close()

    # The same pages with JavaScript on: accessible and no sideways scrolling on the phone.
    checked = new_page(PHONE)
    checked.goto(status)
    _axe_clean(checked, "status page with a visitor permit")
    checked.goto(f"{status}besuch/")
    _axe_clean(checked, "visitor permit form")
    width = checked.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
