"""Inline parts of an e-mail (an image the HTML shows by `cid:`): stored in the outbox, sent
in a multipart/related beside the HTML, while ordinary attachments stay files."""

from __future__ import annotations

import base64

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from rathaus.core.mail import Attachment, mail_send_on_commit
from rathaus.core.models import OutboxMessage
from rathaus.core.outbox import outbox_send_all

PIXEL = b"\x89PNG\r\n\x1a\n fake image bytes"
TEMPLATES = {
    "test/inline_subject.txt": "Bild",
    "test/inline.txt": "Ohne Bild",
    "test/inline.html": '<p><img src="cid:pixel@test" alt="Bild"></p>',
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def templates(settings):
    engine = {**settings.TEMPLATES[0], "APP_DIRS": False}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            ("django.template.loaders.locmem.Loader", TEMPLATES),
            "django.template.loaders.app_directories.Loader",
        ],
    }
    settings.TEMPLATES = [engine]


def sent(django_capture_on_commit_callbacks, attachments):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        mail_send_on_commit(
            to="inline@example.org",
            template_prefix="test/inline",
            context={},
            language="de",
            attachments=attachments,
        )
    (message,) = mail.outbox
    return message.message()


def leaves(message):
    return [part for part in message.walk() if not part.is_multipart()]


def test_an_inline_image_travels_with_the_html_and_a_file_stays_a_file(
    django_capture_on_commit_callbacks,
):
    message = sent(
        django_capture_on_commit_callbacks,
        [
            Attachment("pixel.png", PIXEL, "image/png", content_id="pixel@test"),
            Attachment("termin.ics", "BEGIN:VCALENDAR", "text/calendar"),
        ],
    )
    assert message.get_content_type() == "multipart/mixed"
    body, ics = message.get_payload()
    assert body.get_content_type() == "multipart/alternative"
    text, related = body.get_payload()
    assert text.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html, image = related.get_payload()
    assert html.get_content_type() == "text/html"
    assert 'src="cid:pixel@test"' in html.get_payload(decode=True).decode()
    assert image.get_content_type() == "image/png"
    assert image["Content-ID"] == "<pixel@test>"
    assert image.get_content_disposition() == "inline"
    assert image.get_payload(decode=True) == PIXEL
    assert ics.get_content_disposition() == "attachment"
    assert ics.get_filename() == "termin.ics"
    assert ics.get_payload(decode=True) == b"BEGIN:VCALENDAR"


def test_without_inline_parts_the_message_keeps_its_old_shape(
    django_capture_on_commit_callbacks,
):
    message = sent(
        django_capture_on_commit_callbacks,
        [Attachment("termin.ics", "BEGIN:VCALENDAR", "text/calendar")],
    )
    assert "multipart/related" not in [p.get_content_type() for p in message.walk()]
    body, ics = message.get_payload()
    assert [p.get_content_type() for p in body.get_payload()] == ["text/plain", "text/html"]
    assert ics.get_filename() == "termin.ics"


def test_the_outbox_row_keeps_the_content_id_only_for_inline_parts():
    with transaction.atomic():
        row = mail_send_on_commit(
            to="inline@example.org",
            template_prefix="test/inline",
            context={},
            language="de",
            attachments=[
                Attachment("pixel.png", PIXEL, "image/png", content_id="pixel@test"),
                Attachment("termin.ics", "BEGIN:VCALENDAR", "text/calendar"),
            ],
        )
    image, ics = OutboxMessage.objects.get(pk=row.pk).attachments
    assert image["content_id"] == "pixel@test"
    assert "content_id" not in ics


def test_an_inline_part_of_a_mail_without_html_is_sent_as_a_file():
    OutboxMessage.objects.create(
        to="inline@example.org",
        from_email="rathaus@example.org",
        subject="Nur Text",
        text="Ohne HTML",
        html="",
        attachments=[
            {
                "filename": "pixel.png",
                "mimetype": "image/png",
                "content": base64.b64encode(PIXEL).decode("ascii"),
                "content_id": "pixel@test",
            }
        ],
        next_attempt_at=timezone.now(),
    )
    assert outbox_send_all()["sent"] == 1
    message = mail.outbox[0].message()
    assert "multipart/related" not in [p.get_content_type() for p in message.walk()]
    (image,) = [p for p in leaves(message) if p.get_content_type() == "image/png"]
    assert image.get_content_disposition() == "attachment"
    assert image.get_payload(decode=True) == PIXEL
