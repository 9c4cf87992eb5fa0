"""ICS feeds and files as calendar clients read them: stable bytes, validators, 304s, SEQUENCE
on a move, METHOD:PUBLISH, German text, RFC 5545 line folding (issue 12)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from rathaus.weddings.backoffice import services
from rathaus.weddings.models import Venue

from .conftest import free_slot, reserve

pytestmark = pytest.mark.django_db
BECK = "schloss-beck"
REQUIRED = ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "LAST-MODIFIED")


def _feed_path(operator) -> str:
    token = services.feed_token_create(actor=operator, venue=Venue.objects.get(slug=BECK))
    return reverse("backoffice:feed", args=[token])


def _valid(body: bytes) -> Calendar:
    """What a client library and RFC 5545 require of the file."""
    assert body.endswith(b"\r\n")
    for line in body.split(b"\r\n"):
        assert b"\n" not in line and len(line) <= 75  # folded at 75 octets
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert calendar["METHOD"] == "PUBLISH"
    events = list(calendar.walk("VEVENT"))
    assert events
    for event in events:
        assert all(name in event for name in REQUIRED), sorted(event)
        assert not event.errors
    return calendar


def _move(reservation, office, skip=3):
    target = free_slot(BECK, skip=skip)
    return services.reservation_move(
        actor=office, reservation=reservation, venue=reservation.venue, start=target.start
    )


def test_the_feed_answers_304_until_a_wedding_moves(client, beck_operator, office, time_machine):
    reservation = reserve(BECK)
    path = _feed_path(beck_operator)
    first = client.get(path)
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified

    assert client.get(path, headers={"if-none-match": etag}).status_code == 304
    unchanged = client.get(path, headers={"if-modified-since": modified})
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag
    time_machine.move_to(timezone.now() + timedelta(minutes=20))  # later, the same bytes
    again = client.get(path)
    assert again.content == first.content and again["ETag"] == etag
    assert client.get(path, headers={"if-none-match": etag}).status_code == 304

    _move(reservation, office)
    moved = client.get(path, headers={"if-none-match": etag})
    assert moved.status_code == 200 and moved["ETag"] != etag
    (event,) = _valid(moved.content).walk("VEVENT")
    assert event["SEQUENCE"] == 1
    (before,) = Calendar.from_ical(first.content).walk("VEVENT")
    assert before["SEQUENCE"] == 0
    assert event.decoded("DTSTAMP") > before.decoded("DTSTAMP")


def test_dtstamp_comes_from_the_data_not_the_clock(client, beck_operator, time_machine):
    reserve(BECK)
    path = _feed_path(beck_operator)
    (event,) = Calendar.from_ical(client.get(path).content).walk("VEVENT")
    time_machine.move_to(timezone.now() + timedelta(hours=3))
    (later,) = Calendar.from_ical(client.get(path).content).walk("VEVENT")
    assert later.decoded("DTSTAMP") == event.decoded("DTSTAMP") == event.decoded("LAST-MODIFIED")


def test_a_german_feed_speaks_german_and_folds_long_lines(client, beck_operator):
    reserve(BECK, guests=1)
    reserve(BECK, skip=1, guests=40)
    Venue.objects.filter(slug=BECK).update(
        address="Am Schloss Beck 1, 46244 Bottrop-Kirchhellen, Zugang über den Parkplatz Süd"
    )
    response = client.get(_feed_path(beck_operator), headers={"accept-language": "de"})
    calendar = _valid(response.content)
    text = Calendar.from_ical(response.content)
    assert str(text["X-WR-CALNAME"]) == "Trauungen – Schloss Beck"
    guests = sorted(str(e["DESCRIPTION"]).split(" · ")[1] for e in calendar.walk("VEVENT"))
    assert guests == ["1 Gast", "40 Gäste"]
    assert b"guests" not in response.content and b"Weddings" not in response.content
    assert any(line.startswith(b" ") for line in response.content.split(b"\r\n"))  # folded


def test_the_couples_file_links_to_the_status_page_and_answers_304(client, office):
    reservation = reserve(BECK)
    status = reverse(
        "weddings:reservation-status", args=[reservation.reference, reservation.manage_token]
    )
    path = reverse(
        "weddings:reservation-ics", args=[reservation.reference, reservation.manage_token]
    )
    response = client.get(path)
    (event,) = _valid(response.content).walk("VEVENT")
    assert str(event["URL"]) == settings.SITE_URL + status
    assert settings.SITE_URL + status in str(event["DESCRIPTION"]).replace("\r\n ", "")
    assert response["Content-Disposition"] == f'attachment; filename="{reservation.reference}.ics"'
    assert client.get(path, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_the_e_mail_after_a_move_carries_a_higher_sequence(office):
    reservation = reserve(BECK)
    mail.outbox.clear()
    from .conftest import committed

    with committed():
        _move(reservation, office)
    (message,) = mail.outbox
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    (event,) = _valid(attachment[1].encode()).walk("VEVENT")
    assert event["SEQUENCE"] == 1 and event["STATUS"] in ("TENTATIVE", "CONFIRMED")
    assert reservation.manage_token in str(event["URL"])
