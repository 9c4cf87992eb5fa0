"""The e-mail outbox: written in the caller's transaction, sent once, retried, deleted in time."""

from __future__ import annotations

import logging
import os
import signal
import smtplib
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from rathaus.core import outbox
from rathaus.core.mail import Attachment, mail_send_on_commit
from rathaus.core.models import OutboxMessage

ADDRESS = "paar.outbox@example.org"
TEMPLATES = {
    "test/hello_subject.txt": "Hallo {{ name }}",
    "test/hello.txt": "Guten Tag {{ name }}",
    "test/hello.html": "<p>Guten Tag {{ name }}</p>",
}


class BrokenBackend(LocmemBackend):
    """The mail relay is down; its error message names the recipient, as SMTP errors do."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({ADDRESS: (451, b"try again later")})


class SlowBackend(LocmemBackend):
    """Each send takes a moment, so that racing senders really overlap."""

    def send_messages(self, messages):
        time.sleep(0.02)
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def templates(settings):
    """The project's template settings plus the e-mail templates above, in memory."""
    engine = {**settings.TEMPLATES[0], "APP_DIRS": False}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            ("django.template.loaders.locmem.Loader", TEMPLATES),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    }
    settings.TEMPLATES = [engine]


def _queue(name="Ada", **kwargs):
    return mail_send_on_commit(
        to=ADDRESS,
        template_prefix="test/hello",
        context={"name": name},
        language="de",
        **kwargs,
    )


def _committed(capture, name="Ada", **kwargs):
    """Queue in a transaction and run its on-commit hooks, as a real commit would."""
    with capture(execute=True), transaction.atomic():
        return _queue(name, **kwargs)


@pytest.mark.django_db
def test_a_rollback_leaves_no_row_and_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _queue()
        raise RuntimeError("the booking failed")

    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []
    assert outbox.outbox_send(now=timezone.now() + timedelta(days=1)) == {}


@pytest.mark.django_db
def test_a_commit_leaves_a_row_and_sends_it_at_once(django_capture_on_commit_callbacks):
    ics = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    message = _committed(
        django_capture_on_commit_callbacks,
        attachments=[Attachment("termin.ics", ics, "text/calendar")],
    )

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.to, sent.subject, sent.body) == ([ADDRESS], "Hallo Ada", "Guten Tag Ada")
    assert sent.alternatives[0][0] == "<p>Guten Tag Ada</p>"
    (filename, content, mimetype) = sent.attachments[0]
    assert (filename, content.encode(), mimetype) == ("termin.ics", ics, "text/calendar")
    message.refresh_from_db()
    assert message.sent_at is not None
    assert message.attempts == 1
    assert outbox.outbox_send(now=timezone.now() + timedelta(hours=1)) == {}
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_row_is_rendered_in_the_recipients_language_before_the_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        message = _queue("Grace")
    assert len(callbacks) == 1
    assert (message.to, message.subject, message.html) == (
        ADDRESS,
        "Hallo Grace",
        "<p>Guten Tag Grace</p>",
    )
    assert mail.outbox == []  # nothing leaves before the commit


@pytest.mark.django_db
def test_a_failed_send_is_kept_retried_later_and_sent_exactly_once(
    django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "rathaus.core.tests.test_outbox.BrokenBackend"
    started = timezone.now()
    with caplog.at_level(logging.DEBUG):
        message = _committed(django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error == "SMTPRecipientsRefused"
    assert message.next_attempt_at >= started + outbox.BACKOFF_FIRST
    assert ADDRESS not in caplog.text
    assert f"e-mail #{message.pk} attempt 1 failed" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.outbox_send() == {}  # not due yet: the backoff is respected
    later = timezone.now() + timedelta(minutes=2)
    assert outbox.outbox_send(now=later) == {"sent": 1}
    assert outbox.outbox_send(now=later + timedelta(hours=1)) == {}
    assert [m.subject for m in mail.outbox] == ["Hallo Ada"]
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (2, "")
    assert message.sent_at is not None


@pytest.mark.django_db
def test_the_backoff_doubles_up_to_five_minutes(settings):
    settings.EMAIL_BACKEND = "rathaus.core.tests.test_outbox.BrokenBackend"
    settings.RATHAUS_MAIL_SEND_ON_COMMIT = False
    message = _queue()
    now = timezone.now()
    delays = []
    for _attempt in range(5):
        now = OutboxMessage.objects.get(pk=message.pk).next_attempt_at
        assert outbox.outbox_send(now=now) == {"retry": 1}
        delays.append(OutboxMessage.objects.get(pk=message.pk).next_attempt_at - now)
    assert [round(d.total_seconds() / 60) for d in delays] == [1, 2, 4, 5, 5]


@pytest.mark.django_db
def test_after_the_last_attempt_the_row_is_given_up_and_kept_for_staff(settings, caplog):
    settings.EMAIL_BACKEND = "rathaus.core.tests.test_outbox.BrokenBackend"
    settings.RATHAUS_MAIL_SEND_ON_COMMIT = False
    settings.RATHAUS_MAIL_MAX_ATTEMPTS = 2
    message = _queue()
    far = timezone.now() + timedelta(days=1)

    assert outbox.outbox_send(now=far) == {"retry": 1}
    with caplog.at_level(logging.ERROR):
        assert outbox.outbox_send(now=far + timedelta(hours=1)) == {"failed": 1}
    assert outbox.outbox_send(now=far + timedelta(days=2)) == {}

    message.refresh_from_db()
    assert message.failed_at is not None and message.sent_at is None
    assert message.attempts == 2
    assert f"e-mail #{message.pk} given up after 2 attempts" in caplog.text
    assert ADDRESS not in caplog.text


@pytest.mark.django_db
def test_without_send_on_commit_only_the_worker_sends(django_capture_on_commit_callbacks, settings):
    settings.RATHAUS_MAIL_SEND_ON_COMMIT = False
    _committed(django_capture_on_commit_callbacks)
    assert mail.outbox == []

    out = StringIO()
    call_command("outbox_send", stdout=out)
    assert "'sent': 1" in out.getvalue()
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().sent_at is not None


@pytest.mark.django_db
def test_a_claimed_row_is_left_to_its_sender_until_the_lease_ends(settings):
    """A sender that died after claiming: nobody else sends the row before the lease is over."""
    settings.RATHAUS_MAIL_SEND_ON_COMMIT = False
    _queue()
    now = timezone.now()
    assert len(outbox.outbox_claim(now=now)) == 1  # ... and then the process is killed

    assert outbox.outbox_send(now=now + outbox.LEASE - timedelta(seconds=1)) == {}
    assert outbox.outbox_send(now=now + outbox.LEASE) == {"sent": 1}
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sent_and_given_up_rows_are_deleted_after_the_retention_period(settings):
    settings.RATHAUS_MAIL_RETENTION_DAYS = 7
    settings.RATHAUS_MAIL_SEND_ON_COMMIT = False
    now = timezone.now()
    old_sent, new_sent, old_failed, waiting = (_queue(name) for name in "ABCD")
    OutboxMessage.objects.filter(pk=old_sent.pk).update(sent_at=now - timedelta(days=7, hours=1))
    OutboxMessage.objects.filter(pk=new_sent.pk).update(sent_at=now - timedelta(days=6))
    OutboxMessage.objects.filter(pk=old_failed.pk).update(failed_at=now - timedelta(days=8))
    OutboxMessage.objects.filter(pk=waiting.pk).update(created_at=now - timedelta(days=30))

    assert outbox.outbox_purge(now=now) == 2
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {new_sent.pk, waiting.pk}
    assert outbox.outbox_purge(now=now) == 0


@pytest.mark.django_db
def test_the_forever_worker_sends_and_stops_on_sigterm(settings, monkeypatch):
    settings.RATHAUS_MAIL_SEND_ON_COMMIT = False
    _queue()
    from rathaus.core.management.commands import outbox_send as command

    monkeypatch.setattr(command, "close_old_connections", lambda: None)  # keep the test's
    send = command.outbox_send

    def send_then_stop():
        result = send()
        os.kill(os.getpid(), signal.SIGTERM)  # as systemd does on `systemctl stop`
        return result

    monkeypatch.setattr(command, "outbox_send", send_then_stop)
    previous = signal.getsignal(signal.SIGTERM)
    out = StringIO()
    call_command("outbox_send", "--forever", "--sleep", "0", stdout=out)

    assert "'sent': 1" in out.getvalue()
    assert len(mail.outbox) == 1
    assert signal.getsignal(signal.SIGTERM) is previous


def _send_until_empty(barrier: threading.Barrier, sender) -> None:
    try:
        barrier.wait()
        while sender():
            pass
    finally:
        connection.close()


def _race(sender, workers=4):
    barrier = threading.Barrier(workers, timeout=30)
    threads = [
        threading.Thread(target=_send_until_empty, args=(barrier, sender), daemon=True)
        for _ in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)


def _naive_send():
    """Control: read the due rows and send them without claiming them first."""
    rows = list(outbox.outbox_due(timezone.now())[:5])
    for row in rows:
        outbox._email(row, None).send()
        OutboxMessage.objects.filter(pk=row.pk).update(sent_at=timezone.now())
    return rows


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_workers_at_once_send_every_row_exactly_once(settings):
    settings.EMAIL_BACKEND = "rathaus.core.tests.test_outbox.SlowBackend"
    settings.RATHAUS_MAIL_SEND_ON_COMMIT = False
    for index in range(40):
        _queue(f"Nr{index}")

    _race(lambda: outbox.outbox_send(limit=5))

    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == sorted(f"Hallo Nr{index}" for index in range(40))
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_control_workers_without_the_claim_send_rows_twice(settings):
    settings.EMAIL_BACKEND = "rathaus.core.tests.test_outbox.SlowBackend"
    settings.RATHAUS_MAIL_SEND_ON_COMMIT = False
    for index in range(40):
        _queue(f"Nr{index}")

    _race(_naive_send)

    assert len(mail.outbox) > 40


@pytest.mark.django_db
def test_staff_see_given_up_rows_in_the_admin(admin_client, settings):
    settings.RATHAUS_MAIL_SEND_ON_COMMIT = False
    message = _queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        failed_at=timezone.now(), attempts=30, last_error="SMTPDataError 554"
    )

    page = admin_client.get("/admin/core/outboxmessage/", {"state": "failed"})

    assert page.status_code == 200
    assert "SMTPDataError 554" in page.content.decode()
    assert admin_client.get(f"/admin/core/outboxmessage/{message.pk}/change/").status_code == 200


# --- What a sent e-mail says and what stays of it (issue 12) ----------------------------------


@pytest.mark.django_db
def test_a_sent_row_keeps_no_recipient_body_or_attachment(django_capture_on_commit_callbacks):
    secret_link = "https://rathaus.example/reservierung/TK-2027-ABCD/geheimes-token-123/"
    message = _committed(
        django_capture_on_commit_callbacks,
        name=secret_link,
        attachments=[Attachment("termin.ics", b"BEGIN:VCALENDAR", "text/calendar")],
    )
    assert secret_link in mail.outbox[0].body  # it was sent as written
    message.refresh_from_db()
    assert message.sent_at is not None and message.subject  # what left, and when
    assert (message.to, message.text, message.html, message.attachments) == ("", "", "", [])


@pytest.mark.django_db
def test_an_unsent_row_keeps_everything_for_the_next_attempt(settings):
    settings.EMAIL_BACKEND = "rathaus.core.tests.test_outbox.BrokenBackend"
    with transaction.atomic():
        message = _queue()
    outbox.outbox_send()
    message.refresh_from_db()
    assert message.sent_at is None
    assert (message.to, message.text) == (ADDRESS, "Guten Tag Ada")


@pytest.mark.django_db
def test_e_mails_are_marked_automatic_with_a_message_id_of_the_site(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://termine.bottrop.example:8443"
    message = _committed(django_capture_on_commit_callbacks)
    sent = mail.outbox[0].message()
    assert sent["Auto-Submitted"] == "auto-generated"
    assert (
        sent["Message-ID"]
        == f"<rathaus.{message.pk}.{message.created_at:%Y%m%d%H%M%S%f}@termine.bottrop.example>"
    )
    assert "localhost" not in sent["Message-ID"]


@pytest.mark.django_db
def test_the_text_part_is_not_html_escaped_but_the_html_part_is(
    django_capture_on_commit_callbacks,
):
    message = _committed(django_capture_on_commit_callbacks, name='D\'Amato & "Öztürk" <3')
    (sent,) = [m for m in mail.outbox if f"rathaus.{message.pk}." in m.extra_headers["Message-ID"]]
    assert sent.subject == 'Hallo D\'Amato & "Öztürk" <3'
    assert sent.body == 'Guten Tag D\'Amato & "Öztürk" <3'
    assert sent.alternatives[0][0] == "<p>Guten Tag D&#x27;Amato &amp; &quot;Öztürk&quot; &lt;3</p>"
