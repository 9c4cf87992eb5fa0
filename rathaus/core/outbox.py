"""Sending the e-mail outbox: claim due rows, send them, retry with backoff, delete old ones.

A sender claims rows in one short transaction (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite:
the IMMEDIATE transaction holds the write lock) by counting the attempt and moving
`next_attempt_at` a lease ahead; it sends after that commit, so no database lock is held while
the mail server answers. Two senders therefore never send the same row; a sender that dies
between sending and marking leaves the row to be sent again after the lease (at least once).
Logs name rows by id and errors by class and SMTP code: never addresses or content.
"""

from __future__ import annotations

import base64
import contextlib
import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from email import encoders
from email.mime.base import MIMEBase
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import SafeMIMEMultipart
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # longer than any send can take (SEND_TIMEOUT per message)
SEND_TIMEOUT = 60  # seconds, unless EMAIL_TIMEOUT is set
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(minutes=5)  # a relay back after an outage gets every mail within 5 min
BATCH = 50
# A sent row keeps only what shows that and when an e-mail of which kind left (subject, times,
# attempts): no recipient, no body, no attachment. The bodies hold management links, which
# must not lie readable in the database (or a backup) for the retention period.
SENT_CLEARED = {"to": "", "text": "", "html": "", "attachments": []}


def outbox_due(now: datetime) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(
        sent_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now
    )


def outbox_claim(
    *, now: datetime, ids: Iterable[int] | None = None, limit: int = BATCH
) -> list[OutboxMessage]:
    """Take due rows for this sender alone: count the attempt and move them a lease ahead."""
    with transaction.atomic():
        due = outbox_due(now)
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        claimed = list(
            due.select_for_update(skip_locked=True).order_by("next_attempt_at", "pk")[:limit]
        )
        if claimed:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in claimed]).update(
                attempts=F("attempts") + 1, next_attempt_at=now + LEASE
            )
    for message in claimed:
        message.attempts += 1
    return claimed


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(message: OutboxMessage) -> str:
    """The same on every attempt, so a recipient's server can drop a duplicate; under the
    site's own domain rather than the sending machine's name."""
    return f"<rathaus.{message.pk}.{message.created_at:%Y%m%d%H%M%S%f}@{site_domain()}>"


class RelatedEmail(EmailMultiAlternatives):
    """An e-mail whose HTML part carries inline parts (images referenced as `cid:`): the HTML
    and those parts go together in a multipart/related, the other attachments stay files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.related: list[MIMEBase] = []

    def attach_related(self, content: bytes, mimetype: str, content_id: str, filename: str) -> None:
        maintype, subtype = mimetype.split("/", 1)
        part = MIMEBase(maintype, subtype)
        part.set_payload(content)
        encoders.encode_base64(part)
        part.add_header("Content-ID", f"<{content_id}>")
        part.add_header("Content-Disposition", "inline", filename=filename)
        self.related.append(part)

    # Django builds the alternatives here (private, so untyped in the stubs); the HTML part
    # it built is wrapped together with the inline parts.
    def _create_alternatives(self, msg: Any) -> Any:
        alternative = super()._create_alternatives(msg)  # type: ignore[misc]
        if not (self.related and alternative.is_multipart()):
            return alternative
        parts = alternative.get_payload()
        for index, part in enumerate(parts):
            if part.get_content_type() == "text/html":
                related = SafeMIMEMultipart(
                    _subtype="related", encoding=self.encoding or settings.DEFAULT_CHARSET
                )
                related.attach(part)
                for inline in self.related:
                    related.attach(inline)
                parts[index] = related
        return alternative


def _email(message: OutboxMessage, connection: BaseEmailBackend) -> EmailMultiAlternatives:
    headers = {
        "Message-ID": message_id(message),
        # RFC 3834: no vacation or out-of-office replies to these messages
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    email = RelatedEmail(
        message.subject,
        message.text,
        message.from_email,
        [message.to],
        connection=connection,
        headers=headers,
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    for item in message.attachments:
        content = base64.b64decode(item["content"])
        if item.get("content_id") and message.html:
            email.attach_related(content, item["mimetype"], item["content_id"], item["filename"])
        else:
            email.attach(item["filename"], content, item["mimetype"])
    return email


def _reason(error: BaseException) -> str:
    """What went wrong, without the addresses an SMTP error message may contain."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__


def _failed(message: OutboxMessage, error: BaseException, now: datetime) -> str:
    reason = _reason(error)[:200]
    rows = OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True)
    if message.attempts >= settings.RATHAUS_MAIL_MAX_ATTEMPTS:
        rows.update(failed_at=now, last_error=reason)
        logger.error(
            "e-mail #%s given up after %s attempts: %s", message.pk, message.attempts, reason
        )
        return "failed"
    delay = min(BACKOFF_FIRST * 2 ** (message.attempts - 1), BACKOFF_MAX)
    rows.update(next_attempt_at=now + delay, last_error=reason)
    logger.warning("e-mail #%s attempt %s failed: %s", message.pk, message.attempts, reason)
    return "retry"


def outbox_send(
    *, now: datetime | None = None, ids: Iterable[int] | None = None, limit: int = BATCH
) -> Counter[str]:
    """Claim and send one batch of due e-mails; returns counts of sent, retry and failed."""
    now = now or timezone.now()
    claimed = outbox_claim(now=now, ids=ids, limit=limit)
    result: Counter[str] = Counter()
    if not claimed:
        return result
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT or SEND_TIMEOUT)
    try:
        for message in claimed:
            try:
                _email(message, connection).send()
            except Exception as error:  # any backend error: the row is retried, never lost
                result[_failed(message, error, now)] += 1
                with contextlib.suppress(Exception):
                    connection.close()  # the next message opens a fresh connection
            else:
                OutboxMessage.objects.filter(pk=message.pk).update(
                    sent_at=timezone.now(), last_error="", **SENT_CLEARED
                )
                result["sent"] += 1
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    return result


def outbox_send_all(*, now: datetime | None = None, max_batches: int = 100) -> Counter[str]:
    """Send batches until nothing is due (one-shot run of the worker)."""
    total: Counter[str] = Counter()
    for _batch in range(max_batches):
        result = outbox_send(now=now)
        total.update(result)
        if not result:
            break
    return total


def outbox_purge(*, now: datetime | None = None) -> int:
    """Delete sent and given-up e-mails past the retention period (given-up ones still hold
    personal data; sent ones are cleared when sent)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.RATHAUS_MAIL_RETENTION_DAYS)
    deleted, _ = OutboxMessage.objects.filter(
        Q(sent_at__lt=cutoff) | Q(failed_at__lt=cutoff)
    ).delete()
    return deleted
