"""The enforcement app in a real browser: an officer checks three cars — a genuine permit, a
revoked one and a forged one — once online and once offline (the network cut in the browser,
the page served by the service worker), with WebCrypto and with the JS fallback; the page
without JavaScript sends the code to the public check page; a plate typed without separators
shows every reading; axe-core finds nothing.

The clock stands on 10 March 2027, 10:00 in Bottrop (it ticks on from there); the permits are
issued through the real services with a real signing key.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure, staff_user_ensure
from rathaus.parking_permits.bootstrap import bottrop_parking_load
from rathaus.parking_permits.links import check_url
from rathaus.parking_permits.models import Permit
from rathaus.parking_permits.services.permits import permit_revoke
from rathaus.parking_permits.tests import factories as f

from .conftest import PHONE

pytestmark = pytest.mark.browser
PASSWORD = "Kontrolle-2027-Test"
SHOTS = None  # a directory to keep screenshots while looking at the pages
CARS = (("Erika", "BOT-EM 42"), ("Jonas", "BOT-JK 7"), ("Aylin", "BOT-AY 1234"))


def _permit(given: str, plate: str) -> Permit:
    f.resident(given=given)
    f.vehicle(plate=plate, given=given)
    application = f.submit(given=given, plate=plate, email=f"{given.lower()}@example.org")
    f.paid(application)
    return Permit.objects.get(application=application)


def forged(code: str, plate: str = "BOT-XY 99") -> str:
    """The genuine code with another plate in its payload and the old signature."""
    prefix, kid, payload, signature = code.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["p"] = plate
    raw = json.dumps(data, separators=(",", ":")).encode()
    return ".".join((prefix, kid, base64.urlsafe_b64encode(raw).rstrip(b"=").decode(), signature))


@pytest.fixture
def street(transactional_db, live_server, settings):
    settings.RATHAUS_BOT_PROTECTION = False
    with time_machine.travel(f.NOW, tick=True):
        bottrop_parking_load(apps)
        permits = [_permit(given, plate) for given, plate in CARS]
        roles_ensure()
        officer, _ = staff_user_ensure(
            username="kontrolle",
            password=PASSWORD,
            first_name="Olga",
            last_name="Streife",
            role=roles.TRAFFIC_ENFORCEMENT,
        )
        TOTPDevice.objects.create(user=officer, name="Authenticator", confirmed=True)
        yield live_server, permits


def _context(browser, **options):
    """A phone whose clock follows the moved test clock, as the server's does."""
    context = browser.new_context(viewport=PHONE, locale="de-DE", **options)
    context.clock.install(time=datetime.now(tz=UTC))
    return context


def _log_in(page, base: str) -> None:
    """Password, then the code of the officer's authenticator (always asked on /kontrolle/)."""
    page.goto(f"{base}/login/?next=/kontrolle/")
    page.fill("#id_username", "kontrolle")
    page.fill("#id_password", PASSWORD)
    page.click("form[method=post] button.primary")
    page.wait_for_url(re.compile(r"/login/zwei-faktor/"))
    device = TOTPDevice.objects.get(user__username="kontrolle")
    page.fill("#id_token", f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}")
    page.click("form[method=post] button.primary")
    page.wait_for_url(re.compile(r"/kontrolle/$"))


def _ready(page) -> None:
    """The worker controls the page and the list is stored."""
    page.wait_for_selector("[data-kontrolle][data-worker=ready]", state="attached")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_selector("[data-kontrolle][data-list-state=ok]", state="attached")


def _check(page, code: str, reason: str) -> dict:
    page.fill("#kontrolle-code", code)
    page.get_by_role("button", name="Prüfen", exact=True).click()
    verdict = page.locator(f"[data-result] [data-reason='{reason}']")
    verdict.wait_for()
    return {
        "text": verdict.inner_text(),
        "ms": float(verdict.get_attribute("data-verify-ms")),
        "verifier": verdict.get_attribute("data-verifier"),
    }


def _three_cars(page, genuine: str, revoked: str, fake: str, *, verifier: str) -> None:
    ok = _check(page, genuine, "")
    assert "ERLAUBT" in ok["text"] and "NICHT ERLAUBT" not in ok["text"]
    assert "BOT-EM 42" in ok["text"]
    assert "09.03.2028" in ok["text"]  # the last valid day, not a name or an address
    assert "Osterfelder Straße (Peterstraße – Heidenheck)" in ok["text"]  # the zone
    assert "Erika" not in ok["text"] and "Muster" not in ok["text"] and " 15" not in ok["text"]
    off = _check(page, revoked, "revoked")
    assert "NICHT ERLAUBT" in off["text"] and "Widerrufen oder ersetzt" in off["text"]
    assert "BOT-JK 7" in off["text"]
    fake_result = _check(page, fake, "forged")
    assert "NICHT ERLAUBT" in fake_result["text"] and "Fälschung" in fake_result["text"]
    assert "BOT-XY 99" not in fake_result["text"]  # nothing of a forged payload is shown
    for result in (ok, off, fake_result):
        assert result["verifier"] == verifier
        assert result["ms"] < 1000


def test_an_officer_checks_three_cars_online_and_offline(street, browser):
    live, (genuine, to_revoke, third) = street
    base = live.url
    context = _context(browser)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _log_in(page, base)
        _ready(page)
        status = page.locator("[data-status]")
        assert "Online" in status.inner_text()
        assert re.search(r"Sperrliste von 10:0\d, (gerade eben|vor 1 Minute)", status.inner_text())
        _axe_clean(page, "app, no result")

        # Online: still valid before the office revokes it, then revoked once the list is new.
        assert "ERLAUBT" in _check(page, to_revoke.code, "")["text"]
        permit_revoke(permit=to_revoke, actor=None, now=f.NOW + timedelta(minutes=5))
        page.reload()
        _ready(page)
        # The check address of the QR code works as well as the bare code.
        _three_cars(
            page, check_url(genuine.code), to_revoke.code, forged(third.code), verifier="webcrypto"
        )
        _axe_clean(page, "app with a refusal")
        _shot(page, "refused")

        # Offline: the page comes from the service worker, the check from the stored data.
        generated = page.locator("[data-kontrolle]").get_attribute("data-list-generated")
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("[data-kontrolle][data-list-state=ok]", state="attached")
        assert "Offline" in page.locator("[data-status]").inner_text()
        permit_revoke(permit=genuine, actor=None, now=f.NOW + timedelta(minutes=6))
        page.evaluate("window.rathausKontrolle.refresh()")  # the network is cut: nothing new
        assert page.locator("[data-kontrolle]").get_attribute("data-list-generated") == generated
        assert page.evaluate("fetch('/healthz/').then(() => 'reached', () => 'cut')") == "cut"
        _three_cars(page, genuine.code, to_revoke.code, forged(third.code), verifier="webcrypto")
        _check(page, to_revoke.code, "revoked")
        _check(page, genuine.code, "")
        _shot(page, "offline-allowed")
        page.set_viewport_size({"width": 320, "height": 700})  # WCAG 1.4.10: no sideways scroll
        assert page.evaluate("document.documentElement.scrollWidth") <= 320

        # The JS fallback (browsers without Ed25519 in WebCrypto), offline as well.
        page.goto(f"{base}/kontrolle/?verifier=js")
        page.wait_for_selector("[data-kontrolle][data-list-state=ok]", state="attached")
        _three_cars(page, genuine.code, to_revoke.code, forged(third.code), verifier="js")
        # A code signed by another key with the same key id is forged, too.
        other = genuine.code.split(".")
        other[3] = other[3][:-4] + ("AAAA" if other[3][-4:] != "AAAA" else "BBBB")
        assert "Fälschung" in _check(page, ".".join(other), "forged")["text"]
        assert "unbekannt" in _check(page, "BP1.ffffffff.e30.AAAA", "unknown_key")["text"].lower()

        # Back online, the app fetches the list at once: the permit revoked meanwhile is refused.
        context.set_offline(False)
        page.wait_for_selector(
            f"[data-kontrolle]:not([data-list-generated='{generated}'])", state="attached"
        )
        assert "NICHT ERLAUBT" in _check(page, genuine.code, "revoked")["text"]

        # Logging out on the phone (online) leaves nothing of the app behind.
        page.goto(f"{base}/kontrolle/")
        _ready(page)
        page.get_by_role("button", name=re.compile("Abmelden")).click()
        page.wait_for_url(re.compile(r"/login/"))
        left = page.evaluate(
            "Promise.all([caches.keys(), navigator.serviceWorker.getRegistrations()])"
            ".then(([names, workers]) => [names, workers.length,"
            " Object.keys(localStorage).filter(k => k.startsWith('rathaus.kontrolle'))])"
        )
        assert left == [[], 0, []], left
    finally:
        context.close()
    assert not errors, errors


def test_without_javascript_the_code_goes_to_the_public_check_page(street, browser):
    live, (genuine, _second, _third) = street
    context = _context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        _log_in(page, live.url)
        assert page.get_by_role("link", name="Kennzeichen prüfen").count() == 1
        page.fill("#kontrolle-code", genuine.code)
        page.get_by_role("button", name="Prüfen", exact=True).click()
        page.wait_for_url(re.compile(r"/parkausweis/pruefen/\?c=BP1\."))
        assert "Echt und heute gültig." in page.locator("main").inner_text()
    finally:
        context.close()


def test_the_manifest_and_the_worker_are_served_for_installing(street, browser):
    live, _permits = street
    context = _context(browser)
    try:
        page = context.new_page()
        _log_in(page, live.url)
        manifest = page.request.get(f"{live.url}{reverse('enforcement:manifest')}")
        assert manifest.headers["content-type"].startswith("application/manifest+json")
        data = manifest.json()
        assert (data["start_url"], data["scope"], data["display"]) == (
            "/kontrolle/",
            "/kontrolle/",
            "standalone",
        )
        for icon in data["icons"]:
            image = page.request.get(f"{live.url}{icon['src']}")
            assert image.ok and image.headers["content-type"] == "image/png", icon
        worker = page.request.get(f"{live.url}{reverse('enforcement:sw')}")
        assert worker.headers["content-type"].startswith("text/javascript")
        assert (
            "no-cache" in worker.headers["cache-control"]
            or "no-store" in (worker.headers["cache-control"])
        )
        # Everything the page loads is in the worker's precache list.
        page.wait_for_selector("[data-kontrolle][data-worker=ready]", state="attached")
        loaded = page.evaluate(
            "performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
            ".filter(p => p.startsWith('/static/'))"
        )
        body = worker.text()
        missing = [path for path in loaded if f'"{path}"' not in body]
        assert not missing, missing
        # Chromium's own verdict on the manifest and on installing
        cdp = context.new_cdp_session(page)
        manifest_seen = cdp.send("Page.getAppManifest")
        assert not manifest_seen.get("errors"), manifest_seen.get("errors")
        problems = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        # a test context is an incognito profile; nothing else stands in the way
        assert {problem["errorId"] for problem in problems} <= {"in-incognito"}, problems
    finally:
        context.close()


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _axe_clean(page, what: str) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def _camera_file(path, text: str, width: int = 640, height: int = 480) -> None:
    """A Y4M video (what Chromium's fake camera plays) showing the QR code of `text`."""
    import io

    import segno
    from PIL import Image

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=5, border=4)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    chroma = bytes([128]) * (width // 2 * height // 2)
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    with open(path, "wb") as video:
        video.write(header)
        for _frame in range(10):
            video.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


def test_the_camera_reads_the_qr_code_of_a_permit(street, playwright, tmp_path):
    """Chromium's fake camera shows the permit's QR code; without a BarcodeDetector (desktop
    Linux) the vendored jsQR decodes it, and the check runs as for a typed code."""
    from .conftest import CHROMIUM, CHROMIUM_ARGS

    live, (genuine, _second, _third) = street
    video = tmp_path / "permit.y4m"
    _camera_file(video, check_url(genuine.code))
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = _context(browser)
        context.grant_permissions(["camera"], origin=live.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        _log_in(page, live.url)
        _ready(page)
        page.get_by_role("button", name="Mit der Kamera scannen").click()
        verdict = page.locator("[data-result] [data-verdict=allowed]")
        verdict.wait_for()
        assert "BOT-EM 42" in verdict.inner_text()
        assert page.input_value("#kontrolle-code") == check_url(genuine.code)
        assert page.locator("[data-camera]").is_hidden()  # the camera is off again
        _axe_clean(page, "after scanning")
    finally:
        browser.close()


DECIDE = """([claims, list, now]) => {
  const r = window.KontrolleVerify.decide(claims, list, new Date(now));
  return [r.allowed, r.reason, r.inGrace, r.until];
}"""


def test_dates_grace_early_end_and_the_packed_list(street, browser):
    """The verdict on genuine claims, by Bottrop's wall clock (CET in winter, CEST in
    summer): the last day counts to midnight, then the zone's grace; an early end ("ends")
    cuts the validity; the list's binary search finds first, last and middle entries."""
    live, _permits = street
    context = _context(browser)
    try:
        page = context.new_page()
        _log_in(page, live.url)
        claims = {
            "number": "BOT-MMMMMM",
            "plate": "BOT-A 1",
            "zone": "z",
            "validFrom": "2027-03-10",
            "validUntil": "2027-07-31",
        }
        listed = {
            "permit_prefix": "BOT-",
            "width": 6,
            "revoked": "AAAAAA" + "CCCCCC" + "ZZZZZZ",
            "ends": {},
            "zones": {"z": {"name": "Zone", "grace_minutes": 15}},
        }

        def verdict(now: str, **changes):
            data = {**listed, **changes}
            return page.evaluate(DECIDE, [claims, data, now])

        assert verdict("2027-03-09T22:59:00Z")[:2] == [False, "not_yet"]  # 23:59 CET
        assert verdict("2027-03-09T23:00:00Z")[:2] == [True, ""]  # midnight
        assert verdict("2027-07-31T21:59:00Z")[:3] == [True, "", False]  # 23:59 CEST
        assert verdict("2027-07-31T22:10:00Z")[:3] == [True, "", True]  # in the grace
        assert verdict("2027-07-31T22:15:00Z")[:2] == [False, "expired"]
        assert verdict("2027-07-31T22:10:00Z", zones={})[:2] == [False, "expired"]  # no grace
        ended = {"MMMMMM": "2027-05-31"}
        assert verdict("2027-05-31T12:00:00Z", ends=ended)[:2] == [True, ""]
        assert verdict("2027-06-01T12:00:00Z", ends=ended) == [False, "ended", False, "2027-05-31"]
        for suffix in ("AAAAAA", "CCCCCC", "ZZZZZZ"):
            revoked = {**claims, "number": f"BOT-{suffix}"}
            assert page.evaluate(DECIDE, [revoked, listed, "2027-04-01T10:00:00Z"])[1] == "revoked"
        for suffix in ("AAAAAB", "BBBBBB", "ZZZZZY", "MMMMMM"):
            fine = {**claims, "number": f"BOT-{suffix}"}
            assert page.evaluate(DECIDE, [fine, listed, "2027-04-01T10:00:00Z"])[0] is True
        assert (
            page.evaluate(
                "s => window.KontrolleVerify.extractCode(s)",
                " https://example.org/parkausweis/pruefen/?c=BP1.ab.cd.ef%3D&x=1 \n",
            )
            == "BP1.ab.cd.ef="
        )
    finally:
        context.close()


def test_a_plate_typed_without_separators_shows_every_reading(street, browser):
    """BOTA1 is BO-TA 1 (Bochum) or BOT-A 1 (Bottrop): the officer sees both, and which one
    holds a permit; the page names no person."""
    live, _permits = street
    with time_machine.travel(f.NOW, tick=True):
        holder = _permit("Tanja", "BO-TA 1")
    context = _context(browser)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        _log_in(page, live.url)
        page.get_by_role("link", name="Kennzeichen prüfen").click()
        page.wait_for_url(re.compile(r"/kontrolle/kennzeichen/$"))
        page.fill("input[name=kennzeichen]", "BOTA1")
        page.get_by_role("button", name="Abfragen").click()
        answer = page.locator("section[aria-labelledby=answer-title]")
        answer.wait_for()
        readings = {
            item.locator(".verdict-plate").inner_text(): item.locator(
                ".verdict-answer"
            ).inner_text()
            for item in answer.locator("li.verdict").all()
        }
        assert set(readings) == {"BO-TA 1", "BOT-A 1"}
        assert "Erlaubt" in readings["BO-TA 1"]
        assert "Erlaubt" not in readings["BOT-A 1"]
        text = answer.inner_text()
        assert holder.application.family_name not in text and "Tanja" not in text
        _axe_clean(page, "plate lookup")
    finally:
        context.close()
