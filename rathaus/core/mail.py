"""E-mails in the recipient's language, plain text plus HTML, sent after the transaction commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes | str
    mimetype: str


def render_mail(template_prefix: str, context: dict, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    return " ".join(subject.split()), text, html


def mail_send(
    *,
    to: str,
    template_prefix: str,
    context: dict,
    language: str,
    attachments: Sequence[Attachment] = (),
) -> None:
    subject, text, html = render_mail(template_prefix, context, language)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    message.send()


def mail_send_on_commit(**kwargs) -> None:
    """Queue an e-mail for after the surrounding transaction commits (never for a rollback)."""
    transaction.on_commit(lambda: mail_send(**kwargs))
