"""Screenshots of the Traukalender for docs/screenshots/ (phone and desktop width).

Always runs (it also checks that no page scrolls sideways on a phone) and writes to a temporary
folder. To update the committed pictures:
    SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_screenshots.py
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

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
