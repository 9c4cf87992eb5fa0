"""A morning in the Bürgerbüro end to end in a real browser: two citizens with an appointment
check in at the kiosk (one scans the QR code of her e-mail with the kiosk's scanner, one types
name and date of birth), a third draws a walk-in number and follows her place on her phone; a
clerk calls, serves and finishes, calls a number three times that nobody answers (a no-show),
and the call display shows every call; then the waiting-room statistics show the day and the
drift report offers to take the measured duration over, which one click does. axe-core finds
nothing on the way.

The clock stands on a working Monday a week or more ahead, 09:02 (it ticks on from there):
Anna's appointment was at 09:00 (she is within the five minutes' grace), Bernd's is at 09:05.
"""

import base64
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rathaus.appointments.constants import AppointmentStatus, Channel
from rathaus.appointments.models import Appointment, Location, Service
from rathaus.appointments.qr import reference_qr_png
from rathaus.appointments.queue.constants import SAMPLE_MINIMUM, TicketStatus
from rathaus.appointments.queue.models import Sample, Ticket
from rathaus.appointments.queue.services import queue_get, ticket_token
from rathaus.appointments.selectors import PersonNeed
from rathaus.appointments.services.booking import PersonDetails
from rathaus.appointments.services.staff import appointment_book_by_staff

from .conftest import DESKTOP, PHONE
from .helpers import citizen_office_morning
from .test_waiting_room import _axe_clean, _kiosk_set_up, _log_in

pytestmark = pytest.mark.browser
SERVICE = "personalausweis"
JSQR = (
    Path(settings.BASE_DIR)
    / "rathaus/parking_permits/enforcement/static/enforcement/vendor/jsqr/jsQR.js"
)

# What the kiosk's scanner does with the code of the e-mail: read it (jsQR, in a blank page).
DECODE = """async (source) => {
  const image = new Image();
  image.src = source;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  return jsQR(pixels.data, canvas.width, canvas.height).data;
}"""


@pytest.fixture
def morning(transactional_db, live_server):
    with citizen_office_morning(time(9, 2)):
        yield live_server


def _book(minute: int, given: str, family: str, born: date) -> Appointment:
    now = timezone.localtime()
    return appointment_book_by_staff(
        location=Location.objects.get(slug="rathaus"),
        needs=[PersonNeed(((SERVICE, 1),))],
        start=datetime.combine(now.date(), time(9, minute), now.tzinfo),
        persons=[PersonDetails(given, family, born)],
        channel=Channel.PHONE,
        actor=None,
        email=f"{given.lower()}@example.org",
        now=now - timedelta(days=3),
    )


def _earlier_samples() -> None:
    """Four visits for an ID card measured earlier in the week took two minutes each."""
    service = Service.objects.get(slug=SERVICE)
    location = Location.objects.get(slug="rathaus")
    for days in range(1, SAMPLE_MINIMUM):
        Sample.objects.create(
            service=service,
            location=location,
            minutes=2.0,
            finished_at=timezone.now() - timedelta(days=days),
        )


def _issued_number(kiosk) -> str:
    kiosk.wait_for_url(re.compile(r"/nummer/\d+/"))
    number = kiosk.locator(".receipt-number").inner_text().strip()
    assert re.fullmatch(r"[A-Z] \d{3}", number), number
    return number


def _act(clerk, key: str) -> None:
    clerk.locator(f"button[data-shortcut={key}]").click()
    clerk.wait_for_load_state()


def _position(phone, place: str) -> None:
    """The phone page shows this place (it asks every 5 s without a live server)."""
    phone.wait_for_function(
        "place => document.querySelector('[data-field=position]').textContent.trim() === place",
        arg=place,
        timeout=8000,
    )


def _shown(display, number: str) -> None:
    display.locator("#queue-current").get_by_text(number).wait_for(timeout=1500)


def test_a_morning_from_check_in_to_statistics_and_drift(morning, new_page):
    base = morning.url
    anna = _book(0, "Anna", "Quandt", date(1990, 5, 1))
    bernd = _book(5, "Bernd", "Roloff", date(1985, 4, 2))
    _earlier_samples()

    kiosk = _kiosk_set_up(new_page, base)  # the tablet at the entrance
    start = kiosk.url

    # Anna holds the code of her e-mail to the scanner, which types what it reads and Enter.
    scanner = new_page(DESKTOP)
    scanner.set_content("<!doctype html><title>scanner</title>")
    scanner.add_script_tag(content=JSQR.read_text())
    code = "data:image/png;base64," + base64.b64encode(reference_qr_png(anna.reference)).decode()
    read = scanner.evaluate(DECODE, code)
    assert anna.reference in read
    kiosk.click("text=Ich habe einen Termin")
    _axe_clean(kiosk)
    kiosk.locator("#id_ref-reference").click()
    kiosk.keyboard.type(read)
    kiosk.keyboard.press("Enter")
    anna_number = _issued_number(kiosk)
    _axe_clean(kiosk)

    # Bernd has no e-mail with him: name and date of birth.
    kiosk.goto(start)
    kiosk.click("text=Ich habe einen Termin")
    kiosk.fill("#id_person-family_name", "Roloff")
    kiosk.fill("#id_person-date_of_birth", "02.04.1985")
    kiosk.locator("form", has=kiosk.locator("input[value=person]")).locator(
        "button[type=submit]"
    ).click()
    bernd_number = _issued_number(kiosk)

    # Carla has no appointment.
    kiosk.goto(start)
    kiosk.click("text=Ich habe keinen Termin")
    kiosk.locator("input[name=services]").first.check()
    kiosk.click("button.kiosk-submit")
    carla_number = _issued_number(kiosk)
    assert len({anna_number, bernd_number, carla_number}) == 3
    tickets = {t.number: t for t in Ticket.objects.all()}
    assert tickets[anna_number].appointment_id == anna.pk
    assert tickets[bernd_number].appointment_id == bernd.pk
    assert tickets[carla_number].appointment_id is None

    carla = tickets[carla_number]
    phone = new_page(PHONE)  # Carla waits outside with her phone
    phone.goto(f"{base}{reverse('queue_ticket:page', args=[carla.pk, ticket_token(carla)])}")
    display = new_page({"width": 1920, "height": 1080})
    display.goto(f"{base}/buergerbuero/anzeige/rathaus/")

    # A clerk opens a counter and works through the queue: appointments due first, in the
    # order of their times (Anna, who has stepped out, then Bernd), then the walk-in.
    clerk = new_page(DESKTOP)
    _log_in(clerk, base)
    clerk.goto(f"{base}/verwaltung/buergerbuero/schalter/")
    regular = clerk.locator("main li").filter(has_not_text="Notdienst")
    regular.locator("a[href*='/schalter/platz/']").first.click()
    clerk.wait_for_url(re.compile(r"/schalter/platz/\d+/$"))

    _act(clerk, "n")
    assert anna_number in clerk.locator("main").inner_text()
    _shown(display, anna_number)
    _position(phone, "2")  # Bernd's appointment is due before her
    rathaus = Location.objects.get(slug="rathaus")
    for _ in range(queue_get(rathaus).max_calls - 1):  # called again, still nobody comes
        _act(clerk, "w")
    _act(clerk, "x")
    _axe_clean(clerk)

    _act(clerk, "n")
    assert bernd_number in clerk.locator("main").inner_text()
    _shown(display, bernd_number)
    _position(phone, "1")
    _act(clerk, "b")
    _act(clerk, "f")

    _act(clerk, "n")
    assert carla_number in clerk.locator("main").inner_text()
    _shown(display, carla_number)
    _act(clerk, "b")
    _act(clerk, "f")
    _axe_clean(display)

    statuses = {t.number: t.status for t in Ticket.objects.all()}
    assert statuses == {
        bernd_number: TicketStatus.DONE,
        anna_number: TicketStatus.NO_SHOW,
        carla_number: TicketStatus.DONE,
    }
    anna.refresh_from_db()
    assert anna.status == AppointmentStatus.NO_SHOW

    # The statistics show the morning: three tickets, one in three without appointment, one
    # no-show, the ID card's processing time measured.
    clerk.goto(f"{base}/verwaltung/buergerbuero/wartebereich-statistik/")
    _axe_clean(clerk)
    figures = clerk.locator(".figure").all_inner_texts()
    assert figures[0].strip() == "3"
    assert figures[2].strip().startswith("33,3")
    kinds = clerk.locator("section[aria-labelledby=h-kinds] table")
    total = kinds.locator("tr", has=clerk.locator("th", has_text="Summe"))
    assert total.locator("td").nth(2).inner_text().strip() == "1"  # no-shows
    processing = clerk.locator("section[aria-labelledby=h-processing] table")
    id_card = Service.objects.get(slug=SERVICE)
    assert processing.locator("th", has_text=id_card.name).count() == 1

    # The drift report: the ID card took minutes, not the catalogue's; one click takes it over.
    clerk.goto(f"{base}/verwaltung/buergerbuero/abweichungen/")
    _axe_clean(clerk)
    row = clerk.locator("tr", has=clerk.locator("th", has_text=id_card.name))
    assert row.count() == 1
    configured = id_card.minutes
    row.locator("button", has_text="Übernehmen").click()
    clerk.wait_for_load_state()
    id_card.refresh_from_db()
    assert id_card.minutes < configured
    # on the counters' 5-minute grid, and the report now compares with that
    assert id_card.minutes % 5 == 0
    row = clerk.locator("tr", has=clerk.locator("th", has_text=id_card.name))
    assert row.count() == 0 or str(id_card.minutes) in row.locator("td").first.inner_text()
