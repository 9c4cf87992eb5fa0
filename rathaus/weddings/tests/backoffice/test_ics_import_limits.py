"""ICS import against hostile or broken input: bounded expansion, clear refusals, a total
download time, DNS rebinding, and one venue's failure not stopping the others."""

from __future__ import annotations

import logging
import shutil
import socket
import ssl
import subprocess
import threading
import time
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rathaus.core import ics
from rathaus.core.timezone import BERLIN, local_today
from rathaus.scheduling.models import Closure
from rathaus.weddings.backoffice import ics_import, services
from rathaus.weddings.models import Venue, VenueCalendarSource

pytestmark = pytest.mark.django_db
BECK = "schloss-beck"


def _file(*lines: str, uid: str = "fest@beck") -> bytes:
    event = "\r\n".join(["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z", *lines])
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\n"
        f"{event}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def _soon(days=20) -> str:
    return f"{local_today() + timedelta(days=days):%Y%m%d}T180000"


def _parse(data: bytes):
    today = local_today()
    return ics.blocks_parse(data, first=today, last=today + timedelta(days=800))


def _finishes_within(seconds: float, function):
    """Run `function` in a daemon thread; a hang fails the test instead of the test run."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except Exception as error:
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return outcome, time.monotonic() - started


def test_an_interval_of_zero_is_refused_at_once():
    data = _file(
        f"DTSTART;TZID=Europe/Berlin:{_soon()}",
        f"DTEND;TZID=Europe/Berlin:{_soon()}",
        "RRULE:FREQ=DAILY;INTERVAL=0",
    )
    outcome, _seconds = _finishes_within(10, lambda: _parse(data))
    assert isinstance(outcome.get("error"), ics_import.ImportFailed)
    assert "INTERVAL" in str(outcome["error"].message)


def test_a_rule_repeating_every_minute_is_refused_quickly_and_writes_nothing(beck_operator):
    data = _file(
        f"DTSTART;TZID=Europe/Berlin:{_soon()}",
        "DURATION:PT1M",
        "RRULE:FREQ=MINUTELY",
    )
    venue = Venue.objects.get(slug=BECK)
    outcome, seconds = _finishes_within(
        30,
        lambda: services.venue_calendar_import(actor=beck_operator, venue=venue, data=data),
    )
    assert isinstance(outcome.get("error"), ics_import.ImportFailed)
    assert seconds < 2
    assert not Closure.objects.filter(source="ics").exists()


def test_expansion_is_bounded_by_count_and_by_the_window(monkeypatch):
    # weekly since 2001: only the occurrences inside the import window become blocks
    weekly = _file(
        "DTSTART;TZID=Europe/Berlin:20010106T180000",
        "DTEND;TZID=Europe/Berlin:20010106T200000",
        "RRULE:FREQ=WEEKLY",
    )
    blocks = _parse(weekly)
    today = local_today()
    assert 110 <= len(blocks) <= 116
    assert all(today <= b.start.astimezone(BERLIN).date() <= today + timedelta(800) for b in blocks)
    # and no file yields more than MAX_BLOCKS blocks
    monkeypatch.setattr(ics, "MAX_BLOCKS", 50)
    with pytest.raises(ics_import.ImportFailed) as refused:
        _parse(weekly)
    assert "50" in str(refused.value.message)


def test_a_rule_that_never_matches_cannot_hold_the_import(monkeypatch):
    # dateutil searches for a 30 February until the year 9999 without yielding once
    monkeypatch.setattr(ics, "EXPAND_SECONDS", 0.2)
    data = _file(
        f"DTSTART;TZID=Europe/Berlin:{_soon()}",
        "DURATION:PT2H",
        "RRULE:FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30",
    )
    outcome, seconds = _finishes_within(10, lambda: _parse(data))
    assert isinstance(outcome.get("error"), ics_import.ImportFailed)
    assert seconds < 2


def test_floating_and_all_day_rules_with_an_until_are_expanded():
    start = local_today() + timedelta(days=3)
    data = _file(
        f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
        f"DTEND;VALUE=DATE:{start + timedelta(days=1):%Y%m%d}",
        f"RRULE:FREQ=DAILY;UNTIL={start + timedelta(days=2):%Y%m%d}",
    )
    blocks = _parse(data)
    assert [b.start.astimezone(BERLIN).date() for b in blocks] == [
        start,
        start + timedelta(days=1),
        start + timedelta(days=2),
    ]


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (["DTSTART:notadate", "DTEND:20270101T100000Z"], "Beginn (DTSTART)"),
        ([f"DTSTART;TZID=Europe/Berlin:{_soon()}", "DURATION:P999999999D"], "DURATION"),
        (["DTSTART:20270612T140000+0100", "DTEND:20270612T160000+0100"], "DTSTART"),
        ([f"DTSTART:{_soon()}", f"DTEND:{_soon()}", "RRULE:FREQ=SOMETIMES"], "RRULE"),
        ([f"DTSTART:{_soon()}", "DURATION:PT1H", "RRULE:FREQ=DAILY", "EXDATE:nie"], "EXDATE"),
    ],
)
def test_unreadable_events_are_refused_with_a_german_message(client, beck_operator, lines, words):
    client.force_login(beck_operator)
    upload = SimpleUploadedFile("kalender.ics", _file(*lines), "text/calendar")
    response = client.post(reverse("backoffice:venue-import", args=[BECK]), {"file": upload})
    assert response.status_code == 422
    text = response.content.decode()
    assert "„fest@beck“ kann nicht gelesen werden" in text
    assert words in text
    assert "Es wurde nichts übernommen" in text
    assert not Closure.objects.filter(source="ics").exists()


# --- Fetching ----------------------------------------------------------------------------------


class _Server(BaseHTTPRequestHandler):
    requests: list[dict] = []
    body = _file("DTSTART:20270612T140000", "DTEND:20270612T160000")
    drip_seconds = 0.0

    def do_GET(self):
        type(self).requests.append({"path": self.path, "host": self.headers.get("Host")})
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.end_headers()
        if not self.drip_seconds:
            self.wfile.write(self.body)
            return
        for byte in self.body[:40]:  # one byte now and then: each read is quick, the whole not
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(self.drip_seconds)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Server.requests, _Server.drip_seconds = [], 0.0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_the_whole_download_has_a_time_limit(server, settings, monkeypatch):
    settings.RATHAUS_ICS_IMPORT_ALLOW_PRIVATE_HOSTS = True
    monkeypatch.setattr(ics_import, "FETCH_SECONDS", 1, raising=False)
    _Server.drip_seconds = 0.1  # 40 bytes in 4 s, every single read well within its timeout
    started = time.monotonic()
    with pytest.raises(ics_import.ImportFailed) as refused:
        ics_import.calendar_fetch(f"http://127.0.0.1:{server}/events.ics")
    assert time.monotonic() - started < 2.5
    assert "Sekunden" in str(refused.value.message)


PUBLIC = "93.184.215.14"  # a global address; the test never connects to it


def _rebinding_dns(monkeypatch):
    """A resolver that answers with a public address first and with loopback afterwards."""
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.create_connection
    lookups = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "kalender.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        lookups.append(host)
        address = PUBLIC if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    def create_connection(address, *args, **kwargs):
        if address[0] == PUBLIC:
            raise ConnectionRefusedError("no network in tests")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return lookups


def test_dns_rebinding_cannot_reach_a_private_address(server, settings, monkeypatch):
    settings.RATHAUS_ICS_IMPORT_ALLOW_PRIVATE_HOSTS = False
    lookups = _rebinding_dns(monkeypatch)
    with pytest.raises(ics_import.ImportFailed):
        ics_import.calendar_fetch(f"http://kalender.example:{server}/events.ics")
    assert _Server.requests == []  # the loopback server was never asked
    assert lookups == ["kalender.example"]  # looked up once: checked and connected alike


def test_the_checked_address_is_connected_to_with_the_host_name(server, settings, monkeypatch):
    settings.RATHAUS_ICS_IMPORT_ALLOW_PRIVATE_HOSTS = True  # loopback allowed for this test
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "kalender.example":
            host = "127.0.0.1"
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    data = ics_import.calendar_fetch(f"http://kalender.example:{server}/events.ics?v=2")
    assert b"BEGIN:VCALENDAR" in data
    assert _Server.requests == [{"path": "/events.ics?v=2", "host": f"kalender.example:{server}"}]


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS server on loopback whose certificate names only kalender.example."""
    openssl = shutil.which("openssl")
    if not openssl:
        pytest.skip("needs openssl to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=kalender.example",
            "-addext",
            "subjectAltName=DNS:kalender.example",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    _Server.requests, _Server.drip_seconds = [], 0.0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], cert
    httpd.shutdown()
    httpd.server_close()


def test_https_goes_to_the_checked_address_with_sni_and_certificate_of_the_name(
    tls_server, settings, monkeypatch
):
    port, cert = tls_server
    settings.RATHAUS_ICS_IMPORT_ALLOW_PRIVATE_HOSTS = True  # loopback allowed for this test
    monkeypatch.setattr(ics_import, "_tls_context", lambda: ssl.create_default_context(cafile=cert))
    monkeypatch.setattr(ics_import, "_resolve", lambda host, port: ["127.0.0.1"])
    data = ics_import.calendar_fetch(f"https://kalender.example:{port}/events.ics")
    assert b"BEGIN:VCALENDAR" in data
    assert _Server.requests == [{"path": "/events.ics", "host": f"kalender.example:{port}"}]
    # the certificate is checked against the name in the URL, not the address connected to
    with pytest.raises(ics_import.ImportFailed):
        ics_import.calendar_fetch(f"https://127.0.0.1:{port}/events.ics")


# --- The nightly job -----------------------------------------------------------------------------


def test_one_venue_failing_does_not_stop_the_others(town, monkeypatch, caplog):
    venues = list(Venue.objects.order_by("pk")[:3])
    broken, crashing, good = venues
    start = datetime.combine(local_today() + timedelta(days=30), datetime.min.time(), BERLIN)
    files = {
        "https://broken.example/k.ics": _file("DTSTART:notadate", "DTEND:20270101T100000Z"),
        "https://good.example/k.ics": _file(
            f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}", "DURATION:PT3H", uid="good"
        ),
    }
    for venue, url in [
        (broken, "https://broken.example/k.ics"),
        (crashing, "https://crash.example/geheim-Mueller/k.ics"),
        (good, "https://good.example/k.ics"),
    ]:
        VenueCalendarSource.objects.create(venue=venue, url=url)

    def fetch(url):
        if url in files:
            return files[url]
        raise RuntimeError(f"boom at {url} for Familie Müller")

    monkeypatch.setattr(ics_import, "calendar_fetch", fetch)
    with caplog.at_level(logging.INFO, logger="rathaus.weddings.jobs"):
        assert services.venue_calendars_import() == {"imported": 1, "failed": 2}
    assert Closure.objects.filter(resource=good.resource, source="ics").count() == 1
    results = {s.venue_id: s.last_result for s in VenueCalendarSource.objects.all()}
    assert "notadate" not in results[broken.pk] and "fest@beck" in results[broken.pk]
    assert "technischen Fehlers" in results[crashing.pk]
    log = caplog.text
    assert f"venue #{crashing.pk}" in log and "RuntimeError" in log
    for secret in ("geheim", "Müller", "example", "fest@beck", "notadate"):
        assert secret not in log


def test_the_window_of_an_event_far_away_in_the_past_costs_nothing():
    data = _file("DTSTART;VALUE=DATE:19990101", "RRULE:FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1")
    blocks = _parse(data)
    assert all(b.start.astimezone(BERLIN).date() >= date(local_today().year, 1, 1) for b in blocks)
