"""The back office in a real browser: registry office, venue operator and registrar, each
logged in through the real /login/ form, with axe-core on the daily pages.

Screenshots for docs/guides/ are written to a temporary folder; to update the committed ones:
    SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_backoffice.py -p no:randomly
"""

import io
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from rathaus.accounts.management.commands.create_demo_accounts import DEMO_PASSWORD
from rathaus.core.timezone import BERLIN, local_today
from rathaus.weddings import services
from rathaus.weddings.backoffice import services as office
from rathaus.weddings.models import Registrar, Reservation

from .conftest import DESKTOP
from .helpers import reservation_confirmed, slot_free

pytestmark = pytest.mark.browser
GUIDES = Path(settings.BASE_DIR) / "docs" / "guides" / "screenshots"


@pytest.fixture
def staff(bottrop_live):
    """The demo accounts (one per role), linked to Schloss Beck and to Anna Schneider."""
    call_command("create_demo_accounts", force=True, stdout=io.StringIO())
    return bottrop_live


@pytest.fixture
def shots(tmp_path):
    target = GUIDES if os.environ.get("SCREENSHOTS") == "1" else tmp_path
    target.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str) -> None:
        page.screenshot(path=target / f"{name}.png", full_page=True)

    return shoot


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[method=post] button.primary")
    page.wait_for_url(re.compile(r"/verwaltung/"))


def _axe_clean(page) -> None:
    results = Axe().run(page)
    violations = [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
        for v in results.response["violations"]
    ]
    assert results.response["passes"], "axe-core checked nothing"
    assert results.violations_count == 0, f"{page.url}: {violations}"


def _reference(status_path: str) -> str:
    return re.search(r"TK-[\w-]+?(?=/)", status_path).group(0)


def test_registry_office_confirms_a_wedding_and_cancels_another(staff, new_page, shots):
    confirmed = Reservation.objects.get(reference=_reference(reservation_confirmed("hof-juenger")))
    cancelled = Reservation.objects.get(reference=_reference(reservation_confirmed("hof-juenger")))
    page = new_page(DESKTOP)
    _login(page, staff.url, "standesamt")
    assert page.url.endswith("/verwaltung/")  # the staff shell's start page
    _axe_clean(page)
    shots(page, "verwaltung-start")
    page.click("main a[href='/verwaltung/trauungen/']")
    page.wait_for_url(re.compile(r"/verwaltung/trauungen/plan/tag/$"))

    # The list shows both reservations; the reference opens the detail.
    page.click("nav.staff-nav a[href='/verwaltung/trauungen/reservierungen/']")
    page.wait_for_url(re.compile(r"/verwaltung/trauungen/reservierungen/$"))
    rows = page.locator("table tbody tr")
    assert rows.filter(has_text=confirmed.reference).count() == 1
    assert rows.filter(has_text=cancelled.reference).count() == 1
    _axe_clean(page)
    shots(page, "standesamt-liste")
    page.click(f"a:text-is('{confirmed.reference}')")
    page.wait_for_url(re.compile(rf"/reservierungen/{confirmed.reference}/$"))
    assert page.locator("h1 .badge-warn").count() == 1
    _axe_clean(page)
    shots(page, "standesamt-reservierung")

    # Record the marriage notice: the reservation becomes a confirmed wedding.
    page.fill("#id_notice_filed_on", f"{local_today():%Y-%m-%d}")
    page.click("form[action$='/bestaetigen/'] button.primary")
    page.wait_for_selector("h1 .badge-ok")
    assert page.locator("form[action$='/bestaetigen/']").count() == 0
    assert f"{local_today():%d.%m.%Y}" in page.locator("dl.facts").first.inner_text()
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.notice_filed_on) == ("confirmed", local_today())

    # The day plan of the wedding's date lists the ceremony.
    day = confirmed.start.astimezone(BERLIN).date()
    page.goto(f"{staff.url}/verwaltung/trauungen/plan/tag/?tag={day:%Y-%m-%d}")
    row = page.locator("table.plan tbody tr", has_text=confirmed.reference)
    assert row.count() == 1
    assert row.locator(".badge-ok").count() == 1
    assert "Hof Jünger" in row.inner_text()
    _axe_clean(page)
    shots(page, "standesamt-tagesplan")

    # Cancel the other one with a reason; the couple gets it by e-mail.
    mail.outbox.clear()
    page.goto(f"{staff.url}/verwaltung/trauungen/reservierungen/{cancelled.reference}/")
    page.fill("#id_reason", "Trauort wegen Wasserschaden geschlossen")
    page.click("form[action$='/stornieren/'] button.danger")
    page.wait_for_selector("h1 .badge-err")
    assert "Wasserschaden" in page.locator("dl.facts").first.inner_text()
    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled"
    sent = [m for m in mail.outbox if m.to == ["paar@example.org"]]
    assert len(sent) == 1
    assert cancelled.reference in sent[0].body
    assert "Wasserschaden" in sent[0].body


def test_venue_operator_blocks_a_private_event_and_sees_only_schloss_beck(staff, new_page, shots):
    reservation_confirmed("schloss-beck")
    page = new_page(DESKTOP)
    _login(page, staff.url, "schlossbeck")
    page.click("main a[href='/verwaltung/trauungen/']")  # from the staff shell's start page
    page.wait_for_url(re.compile(r"/verwaltung/trauungen/trauorte/schloss-beck/$"))
    assert page.locator("h1").inner_text() == "Schloss Beck"
    # The new reservation waits for the venue's agreement.
    assert page.locator("#agreements-title").is_visible()

    day = local_today() + timedelta(days=10)
    page.fill("#id_first_day", f"{day:%Y-%m-%d}")
    page.fill("#id_start_time", "14:00")
    page.fill("#id_end_time", "22:00")
    page.fill("#id_reason", "Sommerfest des Fördervereins")
    page.click("form[action$='/sperren/'] button.primary")
    page.wait_for_selector("table.agenda tr.block")
    block = page.locator("table.agenda tr.block", has_text="Sommerfest")
    assert block.count() == 1
    assert f"{day:%d.%m.%Y}" in block.inner_text()
    assert "14:00–22:00" in block.inner_text()
    _axe_clean(page)
    shots(page, "trauort-kalender")

    # Another venue's pages are not reachable by URL; the menu lists only Schloss Beck.
    for path in ("trauorte/hof-juenger/", "reservierungen/", "plan/tag/"):
        response = page.context.request.get(f"{staff.url}/verwaltung/trauungen/{path}")
        assert response.status in (403, 404), path
    page.goto(f"{staff.url}/verwaltung/trauungen/trauorte/")
    assert page.locator("main a[href^='/verwaltung/trauungen/trauorte/']").evaluate_all(
        "links => [...new Set(links.map(a => a.pathname.split('/')[4]))]"
    ) == ["schloss-beck"]


def _ceremony_of(registrar: Registrar) -> Reservation:
    """A Tuesday wedding in the town hall (within the schedule's eight weeks), given to her."""
    slot = slot_free("rathaus-trauzimmer", weekday=1)
    created = services.reservation_create(
        request=services.ReservationRequest(
            venue=slot.venue,
            start=slot.start,
            partners=(services.Partner("Jana", "Kowalski"), services.Partner("Mehmet", "Yılmaz")),
            email="paar@example.org",
            guests=12,
            language="de",
        )
    )
    reservation = services.reservation_confirm_email(
        reservation=created.reservation, token=created.confirm_token
    )
    if reservation.registrar_id != registrar.pk:
        office.reservation_registrar_assign(
            actor=None, reservation=reservation, registrar=registrar
        )
    return reservation


def test_registrar_sees_the_schedule_and_records_an_absence(staff, new_page, shots):
    anna = Registrar.objects.get(name="Anna Schneider")
    ceremony = _ceremony_of(anna)
    page = new_page(DESKTOP)
    _login(page, staff.url, "standesbeamtin")
    page.click("main a[href='/verwaltung/trauungen/']")  # from the staff shell's start page
    page.wait_for_url(re.compile(rf"/verwaltung/trauungen/standesbeamte/{anna.pk}/$"))
    assert "Anna Schneider" in page.locator("h1").inner_text()
    start = ceremony.start.astimezone(BERLIN)
    row = page.locator("table.plan tbody tr", has_text=f"{start:%d.%m.%Y}")
    assert "Jana Kowalski" in row.inner_text()
    assert f"{start:%H:%M}" in row.inner_text()
    # A registrar sees no link into the registry office's reservation page.
    assert row.locator("a").count() == 0

    day = local_today() + timedelta(days=20)
    page.fill("#id_first_day", f"{day:%Y-%m-%d}")
    page.fill("#id_last_day", f"{day + timedelta(days=4):%Y-%m-%d}")
    page.fill("#id_reason", "Fortbildung in Düsseldorf")
    page.click("form[action$='/abwesenheit/'] button.primary")
    absence = page.locator(".slot-list li", has_text="Fortbildung in Düsseldorf")
    absence.wait_for()
    assert f"{day:%d.%m.%Y}" in absence.inner_text()
    _axe_clean(page)
    shots(page, "standesbeamte-plan")

    # Another registrar's schedule is not reachable.
    other = Registrar.objects.exclude(pk=anna.pk).first()
    response = page.context.request.get(
        f"{staff.url}/verwaltung/trauungen/standesbeamte/{other.pk}/"
    )
    assert response.status in (403, 404)
