"""Venue operators: calendar, blocks, agreement, the subscribable feed and the ICS import."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from icalendar import Calendar

from rathaus.audit.models import AuditEntry
from rathaus.core.timezone import BERLIN, local_datetime, local_today
from rathaus.scheduling.models import Closure
from rathaus.weddings.backoffice import ics_import, services
from rathaus.weddings.models import FeedToken, Venue, VenueAgreement, VenueCalendarSource

from .conftest import reserve

pytestmark = pytest.mark.django_db
BECK = "schloss-beck"


def _venue():
    return Venue.objects.get(slug=BECK)


def _ics(*events: str) -> bytes:
    body = "\r\n".join(events)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Schloss Beck//Events//DE\r\n"
        f"{body}\r\nEND:VCALENDAR\r\n"
    ).encode()


def _event(uid: str, start: datetime, end: datetime, extra: str = "") -> str:
    fmt = "%Y%m%dT%H%M%S"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID=Europe/Berlin:{start.astimezone(BERLIN):{fmt}}",
        f"DTEND;TZID=Europe/Berlin:{end.astimezone(BERLIN):{fmt}}",
        "SUMMARY:Hochzeit Privat (Name des Gastes)",
    ]
    if extra:
        lines.append(extra)
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


def _day(days: int):
    return local_today() + timedelta(days=days)


# --- Calendar and blocks -------------------------------------------------------------------


def test_block_a_private_event_and_remove_it(client, beck_operator):
    client.force_login(beck_operator)
    day = _day(20)
    response = client.post(
        reverse("backoffice:venue-block", args=[BECK]),
        {
            "first_day": day.isoformat(),
            "start_time": "16:00",
            "end_time": "23:00",
            "reason": "Geburtstag",
        },
    )
    assert response.status_code == 303
    closure = Closure.objects.get(resource=_venue().resource, reason="Geburtstag")
    assert closure.start == local_datetime(day, time(16))
    assert closure.end == local_datetime(day, time(23))
    page = client.get(reverse("backoffice:venue", args=[BECK])).content.decode()
    assert "Geburtstag" in page and "Viktor Betreiber hat die Zeit" in page
    response = client.post(reverse("backoffice:venue-block-delete", args=[BECK, closure.pk]))
    assert response.status_code == 303
    assert not Closure.objects.filter(pk=closure.pk).exists()


def test_a_block_over_a_reservation_is_refused(client, beck_operator):
    reservation = reserve(BECK)
    client.force_login(beck_operator)
    day = reservation.start.astimezone(BERLIN).date().isoformat()
    response = client.post(reverse("backoffice:venue-block", args=[BECK]), {"first_day": day})
    assert response.status_code == 422
    assert "1 Reservierung fällt in diese Zeit" in response.content.decode()
    assert not Closure.objects.filter(resource=_venue().resource).exists()


def test_a_whole_day_block_takes_the_slots_out_of_the_public_search(beck_operator):
    from rathaus.weddings.selectors import SlotFilter, ceremony_slots_free

    venue = _venue()
    slots = ceremony_slots_free(first=_day(30), last=_day(60), filters=SlotFilter(venues=[venue]))
    day = slots[0].start.astimezone(BERLIN).date()
    from rathaus.scheduling import services as availability

    availability.closure_create(
        actor=beck_operator,
        resource=venue.resource,
        owner=venue,
        start=local_datetime(day, time.min),
        end=local_datetime(day + timedelta(days=1), time.min),
        reason="Privat",
    )
    after = ceremony_slots_free(first=day, last=day, filters=SlotFilter(venues=[venue]))
    assert after == []


def test_agreement_by_the_venue(client, beck_operator, office):
    reservation = reserve(BECK)
    client.force_login(beck_operator)
    page = client.get(reverse("backoffice:venue", args=[BECK])).content.decode()
    assert "Warten auf Ihre Zustimmung" in page and reservation.reference in page
    url = reverse("backoffice:venue-agreement", args=[BECK, reservation.reference])
    assert client.post(url, {"decision": "agree"}).status_code == 303
    assert VenueAgreement.objects.get(reservation=reservation).agreed
    page = client.get(reverse("backoffice:venue", args=[BECK])).content.decode()
    assert "Warten auf Ihre Zustimmung" not in page
    # the registry office sees it on the reservation
    client.force_login(office)
    detail = client.get(reverse("backoffice:reservation", args=[reservation.reference]))
    assert "hat der Trauung für den Trauort zugestimmt" in detail.content.decode()


# --- Feed ----------------------------------------------------------------------------------


def test_feed_lists_the_venues_weddings_and_parses_back(client, beck_operator, office):
    reservation = reserve(BECK)
    other = reserve("hof-juenger")
    services.reservation_venue_decide(actor=beck_operator, reservation=reservation, agreed=True)
    client.force_login(beck_operator)
    page = client.post(reverse("backoffice:venue-feed", args=[BECK]), {"action": "create"})
    url = page.context["feed_url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43 and token not in FeedToken.objects.get().digest
    client.logout()
    response = client.get(url.replace("http://testserver", ""))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == [f"{reservation.reference}@rathaus.bottrop"]
    event = events[0]
    assert event.decoded("dtstart") == reservation.start
    assert event.decoded("dtend") == reservation.end
    assert "Çağla Öztürk" in str(event["summary"])
    assert other.reference not in response.content.decode()
    assert "paar@example.org" not in response.content.decode()


def test_a_new_feed_address_revokes_the_old_one_and_revoking_works(client, beck_operator):
    client.force_login(beck_operator)
    feed_url = reverse("backoffice:venue-feed", args=[BECK])
    first = client.post(feed_url, {"action": "create"}).context["feed_url"]
    second = client.post(feed_url, {"action": "create"}).context["feed_url"]
    client.logout()
    assert client.get(first.replace("http://testserver", "")).status_code == 404
    assert client.get(second.replace("http://testserver", "")).status_code == 200
    client.force_login(beck_operator)
    assert client.post(feed_url, {"action": "revoke"}).status_code == 303
    client.logout()
    assert client.get(second.replace("http://testserver", "")).status_code == 404
    assert AuditEntry.objects.filter(code="weddings.feed.revoked").count() == 1


# --- Import --------------------------------------------------------------------------------


def test_import_blocks_events_and_a_reimport_changes_nothing(beck_operator):
    venue = _venue()
    one = local_datetime(_day(20), time(18))
    two = local_datetime(_day(21), time(10))
    data = _ics(
        _event("fest-1@beck", one, one + timedelta(hours=5)),
        _event("fest-2@beck", two, two + timedelta(hours=2)),
    )
    result = services.venue_calendar_import(actor=beck_operator, venue=venue, data=data)
    assert (result.created, result.updated, result.removed) == (2, 0, 0)
    closures = Closure.objects.filter(resource=venue.resource, source="ics").order_by("start")
    assert [(c.source_uid, c.start, c.end) for c in closures] == [
        ("fest-1@beck", one, one + timedelta(hours=5)),
        ("fest-2@beck", two, two + timedelta(hours=2)),
    ]
    assert all("Name des Gastes" not in c.reason for c in closures)  # summaries are not copied
    again = services.venue_calendar_import(actor=beck_operator, venue=venue, data=data)
    assert (again.created, again.updated, again.removed, again.unchanged) == (0, 0, 0, 2)
    assert Closure.objects.filter(resource=venue.resource, source="ics").count() == 2


def test_reimport_moves_changed_events_and_removes_deleted_ones(beck_operator):
    venue = _venue()
    one = local_datetime(_day(20), time(18))
    two = local_datetime(_day(21), time(10))
    services.venue_calendar_import(
        actor=beck_operator,
        venue=venue,
        data=_ics(
            _event("a", one, one + timedelta(hours=1)), _event("b", two, two + timedelta(hours=1))
        ),
    )
    manual = Closure.objects.create(
        resource=venue.resource, start=two, end=two + timedelta(hours=3)
    )
    later = one + timedelta(hours=2)
    result = services.venue_calendar_import(
        actor=beck_operator, venue=venue, data=_ics(_event("a", later, later + timedelta(hours=1)))
    )
    assert (result.created, result.updated, result.removed) == (0, 1, 1)
    assert Closure.objects.get(source_uid="a").start == later
    assert Closure.objects.filter(pk=manual.pk).exists()  # blocks typed in by hand stay


def test_import_never_removes_a_wedding_and_reports_the_overlap(beck_operator, office):
    venue = _venue()
    reservation = reserve(BECK)
    services.reservation_venue_decide(actor=beck_operator, reservation=reservation, agreed=True)
    services.reservation_confirm(
        actor=office, reservation=reservation, notice_filed_on=local_today()
    )
    clash = _event(
        "clash", reservation.start - timedelta(hours=1), reservation.end + timedelta(hours=1)
    )
    result = services.venue_calendar_import(actor=beck_operator, venue=venue, data=_ics(clash))
    assert result.created == 0 and len(result.conflicts) == 1
    reservation.refresh_from_db()
    assert reservation.status == "confirmed" and reservation.booking.status == "confirmed"
    assert not Closure.objects.filter(resource=venue.resource).exists()


def test_repeating_all_day_and_free_events(beck_operator):
    venue = _venue()
    saturday = _day(10)
    while saturday.weekday() != 5:
        saturday += timedelta(days=1)
    start = local_datetime(saturday, time(19))
    weekly = _event("weekly", start, start + timedelta(hours=3), "RRULE:FREQ=WEEKLY;COUNT=4")
    exdate = f"EXDATE;TZID=Europe/Berlin:{(start + timedelta(days=7)):%Y%m%dT%H%M%S}"
    weekly = weekly.replace("END:VEVENT", exdate + "\r\nEND:VEVENT")
    day = _day(30)
    all_day = (
        f"BEGIN:VEVENT\r\nUID:ganztag\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:{day:%Y%m%d}\r\n"
        f"DTEND;VALUE=DATE:{day + timedelta(days=2):%Y%m%d}\r\nEND:VEVENT"
    )
    free = _event("frei", start, start + timedelta(hours=1), "TRANSP:TRANSPARENT")
    result = services.venue_calendar_import(
        actor=beck_operator, venue=venue, data=_ics(weekly, all_day, free)
    )
    assert result.created == 4  # 3 occurrences of the weekly event (one excluded) + all-day
    whole = Closure.objects.get(source_uid="ganztag")
    assert whole.start == local_datetime(day, time.min)
    assert whole.end == local_datetime(day + timedelta(days=2), time.min)
    starts = sorted(c.start for c in Closure.objects.filter(source_uid__startswith="weekly#"))
    assert starts == [start, start + timedelta(days=14), start + timedelta(days=21)]
    assert all(s.astimezone(BERLIN).hour == 19 for s in starts)


def test_a_broken_file_is_refused_with_a_message(client, beck_operator):
    client.force_login(beck_operator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("kaputt.ics", b"das ist kein Kalender", "text/calendar")
    response = client.post(reverse("backoffice:venue-import", args=[BECK]), {"file": upload})
    assert response.status_code == 422
    assert "keine gültige Kalenderdatei" in response.content.decode()


class _Calendars(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *args):
        pass


@pytest.fixture
def calendar_server(settings):
    settings.RATHAUS_ICS_IMPORT_ALLOW_PRIVATE_HOSTS = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Calendars)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/events.ics"
    server.shutdown()
    server.server_close()


def test_import_from_an_address_served_by_a_local_server(client, beck_operator, calendar_server):
    start = local_datetime(_day(25), time(12))
    _Calendars.body = _ics(_event("server-1", start, start + timedelta(hours=4)))
    client.force_login(beck_operator)
    response = client.post(
        reverse("backoffice:venue-import", args=[BECK]), {"url": calendar_server}
    )
    assert response.status_code == 200
    assert "1 neue" in response.content.decode()
    assert Closure.objects.get(source_uid="server-1").start == start
    source = VenueCalendarSource.objects.get(venue__slug=BECK)
    assert source.url == calendar_server and source.last_imported_at
    # The nightly job reads it again: the event moved meanwhile.
    _Calendars.body = _ics(
        _event("server-1", start + timedelta(hours=1), start + timedelta(hours=5))
    )
    VenueCalendarSource.objects.update(last_imported_at=None)
    assert services.venue_calendars_import() == {"imported": 1, "failed": 0}
    assert Closure.objects.get(source_uid="server-1").start == start + timedelta(hours=1)
    # a second run right after it skips the source another run has just handled
    assert services.venue_calendars_import() == {"imported": 0, "failed": 0}


def test_private_addresses_are_refused_by_default(beck_operator, calendar_server, settings):
    settings.RATHAUS_ICS_IMPORT_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(ics_import.ImportFailed):
        ics_import.calendar_fetch(calendar_server)
    with pytest.raises(ics_import.ImportFailed):
        ics_import.calendar_fetch("file:///etc/passwd")
