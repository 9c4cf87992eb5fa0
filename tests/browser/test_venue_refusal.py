"""A venue declines a wedding in a real browser: it is asked to confirm and give a reason, the
couple sees the refusal on their status page, the registry office in its day plan (issue 12)."""

import re

import pytest
from django.core import mail

from rathaus.core.timezone import BERLIN
from rathaus.weddings.models import Reservation, VenueAgreement

from .conftest import DESKTOP
from .helpers import reservation_confirmed
from .test_backoffice import _axe_clean, _login, _reference, shots, staff  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_venue_declines_with_a_reason_and_everyone_sees_it(staff, new_page, shots):  # noqa: F811
    status_path = reservation_confirmed("schloss-beck")
    reservation = Reservation.objects.get(reference=_reference(status_path))
    page = new_page(DESKTOP)
    _login(page, staff.url, "schlossbeck")
    page.click("main a[href='/verwaltung/trauungen/']")  # from the staff shell's start page
    page.wait_for_url(re.compile(r"/verwaltung/trauungen/trauorte/schloss-beck/$"))

    page.click(f"a[href$='/zustimmung/{reservation.reference}/ablehnen/']")
    page.wait_for_url(re.compile(r"/ablehnen/$"))
    _axe_clean(page)
    page.click("button.danger")  # without a reason: asked again, nothing declined
    assert page.locator("#id_reason_error, .errorlist, [aria-invalid=true]").count() >= 1
    assert not VenueAgreement.objects.exists()
    shots(page, "trauort-ablehnen")
    mail.outbox.clear()
    page.fill("#id_reason", "Der Saal wird an diesem Tag renoviert.")
    page.click("button.danger")
    page.wait_for_url(re.compile(r"/verwaltung/trauungen/trauorte/schloss-beck/$"))
    assert "abgelehnt" in page.locator("main").inner_text()  # the confirmation message
    assert VenueAgreement.objects.get().reason == "Der Saal wird an diesem Tag renoviert."
    assert [m.to for m in mail.outbox] == [["paar@example.org"]]

    couple = new_page()
    couple.goto(f"{staff.url}{status_path}")
    assert "renoviert" in couple.locator(".status-head").inner_text()
    _axe_clean(couple)
    shots(couple, "paar-status-abgelehnt")

    office = new_page(DESKTOP)
    _login(office, staff.url, "standesamt")
    day = reservation.start.astimezone(BERLIN).date()
    office.goto(f"{staff.url}/verwaltung/trauungen/plan/tag/?tag={day:%Y-%m-%d}")
    row = office.locator("table.plan tbody tr", has_text=reservation.reference)
    assert "Trauort hat abgelehnt" in row.inner_text()
    _axe_clean(office)
    office.goto(f"{staff.url}/verwaltung/trauungen/reservierungen/{reservation.reference}/")
    shots(office, "standesamt-ablehnung")
    office.click("form[action$='/ablehnung-aufheben/'] button")
    office.wait_for_selector(".message-success, .messages")
    assert "abgelehnt" not in office.locator("dl.facts").first.inner_text()
