"""The waiting room in a real browser: a kiosk set up by the citizen-office administration
issues a walk-in number, a clerk calls it from the workplace, the call display shows the call
within a second and offers its spoken announcement (valid speech of a plausible length), the
phone page shows "your turn", vibrates and sounds; axe-core finds nothing on the kiosk,
display, ticket and workplace pages.

The clock stands on a working Monday a week or more ahead, 09:00 (it ticks on from there).
"""

import re
import shutil
import subprocess
import wave
from datetime import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from rathaus.accounts.management.commands.create_demo_accounts import DEMO_PASSWORD
from rathaus.appointments.queue.models import Ticket
from rathaus.appointments.queue.services import ticket_token

from .conftest import DESKTOP, PHONE
from .helpers import citizen_office_morning

pytestmark = pytest.mark.browser
SHOTS = None  # a directory to keep screenshots of each page while looking at the pages


# The phone's alerts, recorded: what navigator.vibrate was asked, and each tone's oscillators.
RECORD_ALERTS = """
window.__vibrations = [];
Object.defineProperty(navigator, "vibrate", {
  configurable: true,
  value: function (pattern) { window.__vibrations.push(pattern); return true; },
});
window.__tones = 0;
const createOscillator = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  window.__tones += 1;
  return createOscillator.call(this);
};
"""


@pytest.fixture
def morning(transactional_db, live_server):
    with citizen_office_morning(time(9, 0)):
        yield live_server


def _axe_clean(page) -> None:
    results = Axe().run(page)
    violations = [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
        for v in results.response["violations"]
    ]
    assert results.response["passes"], "axe-core checked nothing"
    assert results.violations_count == 0, f"{page.url}: {violations}"


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _log_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", "buergerbuero")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[method=post] button.primary")
    page.wait_for_url(re.compile(r"/verwaltung/"))


def _kiosk_set_up(new_page, base: str):
    """The administration sets the tablet at the entrance up as the Rathaus's reception."""
    kiosk = new_page(DESKTOP)
    _log_in(kiosk, base)
    kiosk.goto(f"{base}/buergerbuero/empfang/einrichten/")
    kiosk.locator("form", has=kiosk.locator("input[value=rathaus]")).locator(
        "button.primary"
    ).click()
    kiosk.wait_for_url(re.compile(r"/buergerbuero/empfang/rathaus/$"))
    return kiosk


def test_a_walk_in_is_called_and_the_display_speaks(morning, new_page, tmp_path):
    base = morning.url
    kiosk = _kiosk_set_up(new_page, base)
    _axe_clean(kiosk)
    _shot(kiosk, "kiosk-start")
    kiosk.click("text=Ich habe keinen Termin")
    kiosk.locator("input[name=services]").first.check()
    _axe_clean(kiosk)
    kiosk.click("button.kiosk-submit")
    kiosk.wait_for_url(re.compile(r"/nummer/\d+/"))
    number = kiosk.locator(".receipt-number").inner_text().strip()
    assert re.fullmatch(r"[A-Z] \d{3}", number), number
    assert kiosk.locator(".receipt svg").count() == 1  # the phone page's QR code
    _axe_clean(kiosk)
    _shot(kiosk, "kiosk-number")
    ticket = Ticket.objects.get()  # what the receipt's QR code leads to
    phone_url = reverse("queue_ticket:page", args=[ticket.pk, ticket_token(ticket)])

    # The waiting room's screen and the phone in a pocket
    display = new_page({"width": 1920, "height": 1080})
    display.goto(f"{base}/buergerbuero/anzeige/rathaus/")
    _axe_clean(display)
    phone = new_page(PHONE)
    phone.add_init_script(RECORD_ALERTS)
    phone.goto(f"{base}{phone_url}")
    assert number in phone.locator("main").inner_text()
    _axe_clean(phone)
    phone.click("[data-sound]")  # the citizen allows the tone (browsers need a tap first)
    tones_before_the_call = phone.evaluate("window.__tones")
    assert tones_before_the_call > 0  # the tap plays it once as a test
    _shot(phone, "phone-waiting")

    # A clerk opens a counter and calls the next number.
    clerk = new_page(DESKTOP)
    _log_in(clerk, base)
    clerk.goto(f"{base}/verwaltung/buergerbuero/schalter/")
    regular = clerk.locator("main li").filter(has_not_text="Notdienst")  # not the emergency one
    regular.locator("a[href*='/schalter/platz/']").first.click()
    clerk.wait_for_url(re.compile(r"/schalter/platz/\d+/$"))
    _axe_clean(clerk)
    clerk.locator("button[data-shortcut=n]").click()
    clerk.wait_for_load_state()
    assert number in clerk.locator("main").inner_text()
    _axe_clean(clerk)
    _shot(clerk, "workplace-called")

    # The display shows the call within a second (it reads its state every second without
    # a live server) and offers the announcement.
    current = display.locator("#queue-current")
    current.locator(f"text={number}").wait_for(timeout=1500)
    _axe_clean(display)
    _shot(display, "display-called")
    state = display.request.get(f"{base}/buergerbuero/anzeige/rathaus/stand.json").json()
    call = next(line for line in state["calls"] if line["number"] == number)
    audio = display.request.get(
        f"{base}{call['audio']}" if call["audio"][0] == "/" else call["audio"]
    )
    assert audio.ok and audio.headers["content-type"].startswith("audio/")
    path = tmp_path / "announcement.wav"
    path.write_bytes(audio.body())
    with wave.open(str(path)) as sound:
        seconds = sound.getnframes() / sound.getframerate()
        assert sound.getnchannels() == 1 and sound.getsampwidth() == 2
    assert 2.0 < seconds < 25.0, seconds  # a chime and the sentence in German and English
    soxi = shutil.which("soxi")
    if soxi:
        done = subprocess.run(  # noqa: S603 - a fixed program on our own file
            [soxi, "-D", str(path)], capture_output=True, text=True, check=True
        )
        measured = float(done.stdout)
        assert abs(measured - seconds) < 0.05

    # The phone says it is this person's turn (it reads its state every few seconds).
    banner = phone.locator("[data-banner]", has_text="Sie sind dran")
    banner.wait_for(timeout=8000)
    assert re.search(r"Sie sind dran: \S+", banner.inner_text())
    assert (
        phone.locator("[data-field=message]").inner_text()
        == "Bitte gehen Sie zum angezeigten Schalter."
    )
    _shot(phone, "phone-called")
    assert not phone.locator("[data-facts]").is_visible()
    # in the pocket: it vibrated (long, short pause, long) and sounded, once
    assert phone.evaluate("window.__vibrations") == [[400, 150, 400]]
    assert phone.evaluate("window.__tones") > tones_before_the_call


def test_the_display_shows_the_state_its_live_event_carries(morning, new_page, settings):
    """With a live server the display reads nothing of its own: each event carries its state
    (selectors.queue_public_view). Here the stream is played by the browser's router and the
    display's own state address never answers, so only the event can show the call."""
    import json

    settings.RATHAUS_LIVE_URL = "http://127.0.0.1:9/live/"
    state = {
        "last_call_id": 4242,
        "calls": [
            {
                "id": 4242,
                "number": "A 042",
                "counter": "Schalter 7",
                "at": "2030-01-07T09:00:00+01:00",
                "audio": "/nicht-abspielen.wav",
            }
        ],
        "current": [{"counter": "Schalter 7", "number": "A 042"}],
        "waiting_count": 5,
        "walk_in_wait_minutes": 15,
    }
    event = f"id: 1\nevent: state\ndata: {json.dumps({'display': state})}\n\n"
    page = new_page(DESKTOP)
    page.route(
        "http://127.0.0.1:9/live/**",
        lambda route: route.fulfill(
            status=200,
            headers={
                "Content-Type": "text/event-stream",
                "Access-Control-Allow-Origin": morning.url,
            },
            body="retry: 60000\n\n" + event,
        ),
    )
    page.route("**/stand.json", lambda route: None)  # asked, never answered
    page.goto(f"{morning.url}/buergerbuero/anzeige/rathaus/")
    assert page.get_attribute("main", "data-live-url").startswith("http://127.0.0.1:9/live/")
    current = page.locator("#queue-current")
    current.get_by_text("A 042").wait_for(timeout=5000)
    assert "Schalter 7" in current.inner_text()
    assert page.inner_text("#queue-waiting") == "5"
