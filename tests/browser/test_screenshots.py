"""Screenshots of the Traukalender and the Bürgerbüro for docs/screenshots/ (phone and desktop
width).

Always runs (it also checks that no page scrolls sideways on a phone) and writes to a temporary
folder. To update the committed pictures:
    SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_screenshots.py
"""

import io
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from rathaus.accounts.management.commands.create_demo_accounts import DEMO_PASSWORD
from rathaus.appointments import selectors as appointments
from rathaus.appointments.constants import Channel
from rathaus.appointments.forms import needs_decode
from rathaus.appointments.links import appointment_token
from rathaus.appointments.services.booking import PersonDetails, appointment_book
from rathaus.appointments.services.staff import appointment_book_by_staff
from rathaus.core.timezone import BERLIN
from rathaus.weddings.lottery.services import lottery_mark

from .conftest import DESKTOP, PHONE
from .helpers import lottery_day_after, reservation_confirmed, slot_free

pytestmark = pytest.mark.browser
DOCS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def test_screenshots(bottrop_live, new_page, tmp_path):
    TARGET = DOCS if os.environ.get("SCREENSHOTS") == "1" else tmp_path
    TARGET.mkdir(parents=True, exist_ok=True)
    base = bottrop_live.url
    slot = slot_free("schloss-beck")
    status_path = reservation_confirmed("hof-juenger")
    lottery_day = lottery_day_after(slot.day + timedelta(days=28), step=7)  # a Saturday
    lottery_mark(actor=None, day=lottery_day)  # staff-marked: applications open at once
    pages = {
        "search": f"/trauung/?weekdays=5&month={slot.day:%Y-%m}&day={slot.day:%Y-%m-%d}",
        "venue": f"/trauung/orte/schloss-beck/?month={slot.day:%Y-%m}",
        "form-errors": f"/trauung/reservieren/schloss-beck/{slot.start_epoch}/",
        "status": status_path,
        "lottery": f"/trauung/verlosung/{lottery_day:%Y-%m-%d}/",
        "waitlist": "/trauung/warteliste/",
    }
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = new_page(viewport)
        for name, path in pages.items():
            page.goto(base + path)
            if name == "form-errors":
                page.fill("#id_partner1_given_name", "Çağla")
                page.fill("#id_email", "paar-at-example.org")
                page.click("#reservation-form button.primary")
                page.wait_for_selector(".error-summary")
                page.evaluate("document.activeElement.blur()")
            page.screenshot(path=TARGET / f"{name}-{label}.png", full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{name} overflows at {label} width: {width}px"
    assert len(list(TARGET.glob("*.png"))) >= 12
    assert re.search(r"/trauung/reservierung/TK-", status_path)


# --- the Bürgerbüro (issue 14) ------------------------------------------------------------------

FAMILY = "personalausweis:1,reisepass:1;reisepass:1"  # a parent, and a child with a passport
CALLERS = (
    ("anmeldung", "Jonas", "Weber", Channel.PHONE),
    ("personalausweis", "Aylin", "Demir", Channel.PHONE),
    ("meldebescheinigung", "Piotr", "Nowak", Channel.WALK_IN),
    ("reisepass", "Marie", "Schulte", Channel.PHONE),
    ("ummeldung", "Hannah", "Becker", Channel.PHONE),
    ("fuehrungszeugnis", "Luca", "Rossi", Channel.WALK_IN),
)


def _office_day() -> tuple[date, str]:
    """The family's first free time a week or more ahead at the Rathaus (from the data: the
    suite also runs with moved clocks), booked and confirmed, and a morning of callers around
    it. Returns the day and the family's status page."""
    location = appointments.location_get("rathaus")
    plan = appointments.plan_make(location, needs_decode(FAMILY))
    now = timezone.now()
    first, last = appointments.booking_range(location, now)
    start = next(
        free.start
        for free in appointments.free_times(plan, first, last)
        if free.start > now + timedelta(days=7)
    )
    family = appointment_book(
        plan=plan,
        start=start,
        persons=[
            PersonDetails("Çağla", "Öztürk", date(1990, 5, 1)),
            PersonDetails("Deniz", "Öztürk", date(2019, 3, 4)),
        ],
        email="familie@example.org",
        confirmed=True,
    )
    day = start.astimezone(BERLIN).date()
    for number, (service, given, family_name, channel) in enumerate(CALLERS):
        needs = [appointments.PersonNeed(((service, 1),))]
        plan = appointments.plan_make(location, needs, online=False)
        free = appointments.free_times(plan, day, day, with_kept=True)
        appointment_book_by_staff(
            location=location,
            needs=needs,
            start=free[min(number * 3, len(free) - 1)].start,
            persons=[PersonDetails(given, family_name, date(1980 + number, 2, 3))],
            channel=channel,
            actor=None,
            phone="02041 70 30",
        )
    return day, reverse("appointments:status", args=[family.reference, appointment_token(family)])


def test_screenshots_of_the_buergerbuero(bottrop_live, new_page, tmp_path):
    TARGET = DOCS if os.environ.get("SCREENSHOTS") == "1" else tmp_path
    TARGET.mkdir(parents=True, exist_ok=True)
    base = bottrop_live.url
    day, status_path = _office_day()
    call_command("create_demo_accounts", force=True, stdout=io.StringIO())
    pages = {
        "appointments-service": "/buergerbuero/dienstleistungen/personalausweis/",
        "appointments-times": f"/buergerbuero/termin/rathaus/zeiten/?needs={FAMILY}&woche={day}",
        "appointments-status": status_path,
        "appointments-day": f"/verwaltung/buergerbuero/tag/?ort=rathaus&tag={day}",
    }
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = new_page(viewport)
        for name, path in pages.items():
            if name == "appointments-day":  # the clerk signs in
                page.goto(f"{base}/login/")
                page.fill("#id_username", "buergerbuero")
                page.fill("#id_password", DEMO_PASSWORD)
                page.click("form[method=post] button.primary")
                page.wait_for_url(re.compile(r"/verwaltung/"))
            page.goto(base + path)
            assert page.locator("h1").count() == 1, path
            # A week of free times is long: its top (the family's plan, the first day) shows it.
            clip = {"x": 0, "y": 0, **viewport, "height": viewport["height"] * 3 // 2}
            page.screenshot(
                path=TARGET / f"{name}-{label}.png",
                full_page=True,
                clip=clip if name == "appointments-times" else None,
            )
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{name} overflows at {label} width: {width}px"
    assert len(list(TARGET.glob("appointments-*.png"))) == 8
