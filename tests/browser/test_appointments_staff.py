"""The Bürgerbüro's back office in a real browser: a clerk runs a day — books a caller on
the phone, marks one appointment done and one a no-show, moves one and cancels one — with
axe-core on every page of the way.

The clock stands on a working Monday a week or more ahead, 10:30 (it ticks on from there in
this process and the live server's threads), so appointments at 08:00 and 08:30 have begun.
"""

import re
from datetime import date, datetime, time

import pytest
from axe_playwright_python.sync_playwright import Axe

from rathaus.accounts.management.commands.create_demo_accounts import DEMO_PASSWORD
from rathaus.appointments.constants import AppointmentStatus, Channel
from rathaus.appointments.models import Appointment, Location
from rathaus.appointments.selectors import PersonNeed
from rathaus.appointments.services.booking import PersonDetails
from rathaus.appointments.services.staff import appointment_book_by_staff
from rathaus.core.models import OutboxMessage
from rathaus.core.timezone import BERLIN

from .conftest import DESKTOP
from .helpers import citizen_office_morning

pytestmark = pytest.mark.browser


@pytest.fixture
def day(transactional_db, live_server):
    with citizen_office_morning(time(10, 30)) as monday:
        yield live_server, monday


def _prepared(monday: date) -> dict[str, Appointment]:
    """Four appointments booked at the counter earlier that morning (walk-ins may use every
    counter), two of them already begun."""
    rathaus = Location.objects.get(slug="rathaus")
    early = datetime.combine(monday, time(7, 30), BERLIN)
    made = {}
    for key, hour, minute, given in (
        ("done", 8, 0, "Dora"),
        ("no_show", 8, 30, "Nils"),
        ("move", 11, 0, "Mia"),
        ("cancel", 11, 30, "Carl"),
    ):
        made[key] = appointment_book_by_staff(
            location=rathaus,
            needs=[PersonNeed((("personalausweis", 1),))],
            start=datetime.combine(monday, time(hour, minute), BERLIN),
            persons=[PersonDetails(given, "Beispiel", date(1985, 4, 2))],
            channel=Channel.WALK_IN,
            actor=None,
            email=f"{given.lower()}@example.org",
            now=early,
        )
    return made


def _axe_clean(page) -> None:
    results = Axe().run(page)
    violations = [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
        for v in results.response["violations"]
    ]
    assert results.response["passes"], "axe-core checked nothing"
    assert results.violations_count == 0, f"{page.url}: {violations}"


def _row(page, reference: str):
    return page.locator("tr", has=page.locator("span.appointment-ref", has_text=reference))


def test_a_clerk_runs_a_day(day, new_page):
    live, monday = day
    made = _prepared(monday)
    page = new_page(DESKTOP)
    page.goto(f"{live.url}/login/")
    page.fill("#id_username", "buergerbuero")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[method=post] button.primary")
    page.wait_for_url(re.compile(r"/verwaltung/"))
    page.click("a[href='/verwaltung/buergerbuero/']")
    page.wait_for_url(re.compile(r"/verwaltung/buergerbuero/tag/"))
    assert "Tagesplan" in page.locator("h1").inner_text()
    for appointment in made.values():
        assert _row(page, appointment.reference).count() == 1
    _axe_clean(page)

    # Done and no-show, from the day plan
    _row(page, made["done"].reference).locator("button", has_text="Erledigt").click()
    page.wait_for_load_state()
    assert "ist erledigt" in page.locator(".messages").inner_text()
    _row(page, made["no_show"].reference).locator("button", has_text="Nicht erschienen").click()
    page.wait_for_load_state()
    assert page.locator(".messages").count() == 1
    assert _row(page, made["move"].reference).locator("text=Nicht erschienen").count() == 0

    # Move: the first free time of the day
    _row(page, made["move"].reference).locator("a", has_text="Verlegen").click()
    page.wait_for_url(re.compile(r"/verschieben/"))
    _axe_clean(page)
    page.locator("input[name=start]").first.check()
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/termin/BB-\w+/$"))
    assert "verlegt" in page.locator(".messages").inner_text()
    _axe_clean(page)

    # Cancel with a reason the citizen reads
    page.goto(f"{live.url}/verwaltung/buergerbuero/termin/{made['cancel'].reference}/")
    page.fill("#id_reason", "Der Schalter ist heute nicht besetzt.")
    page.click("#cancel button[type=submit]")
    page.wait_for_load_state()
    assert "abgesagt" in page.locator(".messages").inner_text()

    # A caller on the phone: a Meldebescheinigung, no e-mail
    page.click("nav.domain-nav >> text=Termin buchen")
    page.select_option("#id_ort", "rathaus")
    page.check("input[name=kanal][value=phone]")
    page.check("input[name=p1][value=meldebescheinigung]")
    page.click("form[method=get] button[type=submit]")
    page.wait_for_load_state()
    _axe_clean(page)
    page.locator("input[name=start]").first.check()
    page.fill("#id_given_1", "Paula")
    page.fill("#id_family_1", "Anruferin")
    page.fill("#id_born_1", "1970-01-31")
    page.fill("#id_phone", "02041 123456")
    page.click("form[method=post] button.primary")
    page.wait_for_url(re.compile(r"/termin/BB-\w+/$"))
    assert "Gebucht" in page.locator(".messages").inner_text()
    _axe_clean(page)

    statuses = {key: Appointment.objects.get(pk=a.pk) for key, a in made.items()}
    assert statuses["done"].status == AppointmentStatus.DONE
    assert statuses["no_show"].status == AppointmentStatus.NO_SHOW
    assert statuses["move"].start != made["move"].start
    assert statuses["move"].ics_sequence == 1
    assert statuses["cancel"].status == AppointmentStatus.CANCELLED
    phone = Appointment.objects.get(channel=Channel.PHONE)
    assert phone.status == AppointmentStatus.CONFIRMED and phone.email == ""
    subjects = list(OutboxMessage.objects.values_list("subject", flat=True))
    assert any(made["move"].reference in subject for subject in subjects[4:]), subjects
    assert any(made["cancel"].reference in subject for subject in subjects[4:]), subjects
    assert len(subjects) == 6  # four confirmations, the move and the cancellation

    # The day plan in the afternoon view: the cancelled and finished ones show their status
    page.goto(f"{live.url}/verwaltung/buergerbuero/tag/?ort=rathaus&tag={monday.isoformat()}")
    assert _row(page, made["cancel"].reference).locator("text=Storniert").count() == 1
    _axe_clean(page)


def test_every_back_office_page_fits_320_px_and_passes_axe(day, new_page):
    from .test_housing_benefit import NARROW, _no_horizontal_scroll

    live, monday = day
    made = _prepared(monday)
    counter = made["move"].persons.get().counter
    page = new_page(NARROW)
    page.goto(f"{live.url}/login/")
    page.fill("#id_username", "buergerbuero")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[method=post] button.primary")
    page.wait_for_url(re.compile(r"/verwaltung/"))
    base = f"{live.url}/verwaltung/buergerbuero"
    for path in (
        "/tag/",
        f"/buchen/?ort=rathaus&tag={monday.isoformat()}&kanal=phone&p1=personalausweis",
        f"/termin/{made['move'].reference}/",
        f"/termin/{made['move'].reference}/verschieben/",
        "/leistungen/",
        "/leistungen/personalausweis/",
        "/standorte/",
        "/standorte/rathaus/",
        f"/schalter/{counter.pk}/",
    ):
        page.goto(base + path)
        assert page.locator("h1").count() == 1, path
        _no_horizontal_scroll(page, path)
        _axe_clean(page)
