"""The QR code of the appointment e-mails: only the reference, inline in the HTML part, for
the kiosk at the entrance; the e-mails without a visit carry none."""

from __future__ import annotations

import struct
import zlib
from datetime import date, timedelta

import pytest
import segno
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from rathaus.appointments.qr import reference_qr_png
from rathaus.appointments.selectors import PersonNeed, plan_make
from rathaus.appointments.services.booking import PersonDetails, appointment_book
from rathaus.appointments.services.mail import appointment_mail
from rathaus.appointments.services.reminders import coming_links
from rathaus.core.models import OutboxMessage
from rathaus.core.outbox import outbox_send_all

from .factories import NOW, at, office

pytestmark = pytest.mark.django_db

ANNA = PersonDetails("Anna", "Schmidt", date(1990, 5, 1))
VISITS = ("confirmed", "moved", "reminder", "reconfirm")
KIOSK_TEXT = "At the kiosk at the entrance, type your reference: %(reference)s"


def said(msgid, appointment):
    """The text in the appointment's language (German once translated; English until then)."""
    with translation.override(appointment.language):
        return gettext(msgid) % {"reference": appointment.reference}


def book(o, *, language="de"):
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    with translation.override(language):
        appointment = appointment_book(
            plan=plan,
            start=at(9),
            persons=[ANNA],
            email="anna@example.org",
            now=NOW,
            confirmed=True,
        )
    appointment.language = language
    return appointment


def send(appointment, template):
    """Queue one e-mail of the appointment, flush the outbox, return the sent message."""
    OutboxMessage.objects.all().delete()
    mail.outbox.clear()
    extra = {**coming_links(appointment)}
    if template == "moved":
        extra["previous_start"] = at(8)
    appointment_mail(appointment, template, **extra)
    outbox_send_all()  # queued at the test's clock, which may be after the booking's NOW
    (sent,) = mail.outbox
    return sent.message()


def parts(message):
    return [part for part in message.walk() if not part.is_multipart()]


def inline_pngs(message):
    return [
        part
        for part in parts(message)
        if part.get_content_type() == "image/png"
        and part.get_content_disposition() == "inline"
        and part["Content-ID"]
    ]


def html_of(message):
    (html,) = [p for p in parts(message) if p.get_content_type() == "text/html"]
    return html.get_payload(decode=True).decode()


def text_of(message):
    (text,) = [
        p
        for p in parts(message)
        if p.get_content_type() == "text/plain" and p.get_content_disposition() is None
    ]
    return text.get_payload(decode=True).decode()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG header, after checking the signature and the IHDR CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    header = data[16:29]
    (crc,) = struct.unpack(">I", data[29:33])
    assert zlib.crc32(b"IHDR" + header) == crc
    width, height = struct.unpack(">II", header[:8])
    return width, height


@pytest.mark.parametrize("template", VISITS)
def test_a_visit_mail_carries_the_reference_as_an_inline_qr_code(template):
    appointment = book(office())
    message = send(appointment, template)
    (png,) = inline_pngs(message)
    content_id = png["Content-ID"].strip("<>")
    html = html_of(message)
    assert f'src="cid:{content_id}"' in html
    data = png.get_payload(decode=True)
    # nothing but the reference: the same code drawn from the reference alone
    assert data == reference_qr_png(appointment.reference)
    expected = segno.make(appointment.reference, error="m", micro=False)
    assert not expected.is_micro
    width, height = png_size(data)
    assert width == height == expected.symbol_size(scale=6, border=4)[0]
    assert 100 <= width <= 400
    assert f'width="{width}" height="{height}"' in html
    assert f'alt="{said("QR code of your appointment: %(reference)s", appointment)}"' in html
    # the HTML and its image belong together; the related part is one of the alternatives
    structure = [p.get_content_type() for p in message.walk()]
    assert "multipart/related" in structure
    for part in message.walk():
        if part.get_content_type() == "multipart/related":
            inner = [p.get_content_type() for p in part.get_payload()]
            assert inner == ["text/html", "image/png"]
    assert said(KIOSK_TEXT, appointment) in text_of(message)


def test_the_confirmation_keeps_its_calendar_file_beside_the_code():
    appointment = book(office())
    message = send(appointment, "confirmed")
    (ics,) = [p for p in parts(message) if p.get_content_type() == "text/calendar"]
    assert ics.get_content_disposition() == "attachment"
    assert ics.get_filename() == f"{appointment.reference}.ics"
    assert b"BEGIN:VEVENT" in ics.get_payload(decode=True)
    # the calendar file is a file of the whole message, outside the HTML's related part
    for part in message.walk():
        if part.get_content_type() == "multipart/related":
            assert "text/calendar" not in [p.get_content_type() for p in part.walk()]
    assert message.get_content_type() == "multipart/mixed"


def test_the_english_mail_explains_the_code_in_english():
    appointment = book(office(), language="en")
    message = send(appointment, "reminder")
    html = html_of(message)
    assert f'alt="QR code of your appointment: {appointment.reference}"' in html
    assert "For the kiosk at the entrance: scan this code or type the reference." in html
    assert f"At the kiosk at the entrance, type your reference: {appointment.reference}" in text_of(
        message
    )


@pytest.mark.parametrize("template", ["cancelled", "lapsed", "confirm_request"])
def test_mails_without_a_visit_carry_no_code(template):
    appointment = book(office())
    message = send(appointment, template)
    assert inline_pngs(message) == []
    assert "image/png" not in [p.get_content_type() for p in message.walk()]
    assert "cid:" not in html_of(message)
    assert said(KIOSK_TEXT, appointment) not in text_of(message)


def test_the_booking_itself_queues_the_code_with_the_confirmation():
    o = office()
    plan = plan_make(o.location, [PersonNeed((("reisepass", 1),))])
    appointment = appointment_book(
        plan=plan,
        start=at(9) + timedelta(hours=1),
        persons=[ANNA],
        email="anna@example.org",
        now=NOW,
        confirmed=True,
    )
    row = OutboxMessage.objects.get()
    (stored,) = [a for a in row.attachments if a.get("content_id")]
    assert stored["mimetype"] == "image/png"
    assert f"cid:{stored['content_id']}" in row.html
    assert appointment.reference in row.text
