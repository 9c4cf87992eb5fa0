"""E-mails in the recipient's language, plain text plus HTML, through the outbox.

`mail_send_on_commit` renders the message and writes it to the outbox inside the caller's
transaction: a rollback leaves no e-mail, a commit always leaves one. After the commit the
message is sent at once (`RATHAUS_MAIL_SEND_ON_COMMIT`); whatever that misses — mail server
down, process killed — `manage.py outbox_send` sends later (see docs/runbooks/jobs.md).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from . import sql
from .models import OutboxMessage
from .outbox import outbox_send


@dataclass(frozen=True)
class Attachment:
    """A file sent with the e-mail. With `content_id` it is an inline part of the HTML
    (`<img src="cid:…">`, e.g. an image), not a file to open."""

    filename: str
    content: bytes | str
    mimetype: str
    content_id: str = ""


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text template without HTML escaping: "D'Amato" must not arrive as
    "D&#x27;Amato". Only subject and text part; the HTML part stays escaped."""
    # The engine's own template (the backend wrapper takes no Context); the stubs type only
    # the backend-neutral wrapper.
    template = get_template(template_name).template  # type: ignore[attr-defined]
    text: str = template.render(Context(context, autoescape=False))
    return text


def render_mail(
    template_prefix: str, context: dict[str, Any], language: str
) -> tuple[str, str, str]:
    with translation.override(language):
        subject = render_text(f"{template_prefix}_subject.txt", context).strip()
        text = render_text(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    return " ".join(subject.split()), text, html


def _stored(attachment: Attachment) -> dict[str, str]:
    content = attachment.content
    raw = content.encode() if isinstance(content, str) else content
    stored = {
        "filename": attachment.filename,
        "mimetype": attachment.mimetype,
        "content": base64.b64encode(raw).decode("ascii"),
    }
    if attachment.content_id:
        stored["content_id"] = attachment.content_id
    return stored


@dataclass(frozen=True)
class Mail:
    """A rendered e-mail, not yet in the outbox."""

    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[dict[str, str], ...] = ()


def mail_render(
    *,
    to: str,
    template_prefix: str,
    context: dict[str, Any],
    language: str,
    attachments: Sequence[Attachment] = (),
) -> Mail:
    """Render now, queue later (`mail_queue`): a caller may render before it takes locks."""
    subject, text, html = render_mail(template_prefix, context, language)
    return Mail(to, subject[:998], text, html, tuple(_stored(item) for item in attachments))


def mail_queue(mail: Mail) -> OutboxMessage:
    """Put a rendered e-mail into the outbox in the current transaction; it leaves after the
    commit."""
    message = sql.insert(  # every reservation writes one: no ORM query building
        OutboxMessage(
            to=mail.to,
            from_email=settings.DEFAULT_FROM_EMAIL,
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            attachments=list(mail.attachments),
            next_attempt_at=timezone.now(),
        )
    )
    if settings.RATHAUS_MAIL_SEND_ON_COMMIT:

        def send_now() -> None:
            outbox_send(ids=[message.pk])

        # robust: a failure here must not turn a committed request into an error; the worker
        # sends whatever is left.
        transaction.on_commit(send_now, robust=True)
    return message


def mail_send_on_commit(
    *,
    to: str,
    template_prefix: str,
    context: dict[str, Any],
    language: str,
    attachments: Sequence[Attachment] = (),
) -> OutboxMessage:
    """Render an e-mail and put it into the outbox in the current transaction; it leaves
    after the commit."""
    return mail_queue(
        mail_render(
            to=to,
            template_prefix=template_prefix,
            context=context,
            language=language,
            attachments=attachments,
        )
    )
