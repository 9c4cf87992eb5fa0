"""Writes of the shared kernel that a page triggers: the accessibility feedback e-mail."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .contacts import accessibility_contact
from .mail import mail_send_on_commit
from .models import OutboxMessage

STAFF_LANGUAGE = "de"


@dataclass(frozen=True)
class AccessibilityFeedback:
    problem: str
    page: str = ""
    name: str = ""
    email: str = ""
    language: str = "de"  # the language the person wrote in, so the answer can match it


@transaction.atomic
def accessibility_feedback_send(feedback: AccessibilityFeedback) -> OutboxMessage:
    """Send a reported barrier to the accessibility contact through the outbox (the outbox
    deletes it after RATHAUS_MAIL_RETENTION_DAYS; nothing else keeps it)."""
    return mail_send_on_commit(
        to=accessibility_contact().email,
        template_prefix="core/email/accessibility_feedback",
        context={"feedback": feedback},
        language=STAFF_LANGUAGE,
    )
