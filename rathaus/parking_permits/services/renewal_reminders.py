"""The renewal reminders (job `parking_renewal_reminders`): the first six weeks before a
resident permit ends, the last one week before, each once, from 08:00 Berlin time, with the
one-click renewal link. A permit with automatic renewal gets its renewal applied for instead
(and the payment request by e-mail; the holder is told when a case worker checks it first).

Idempotent and safe twice at once: each permit is claimed with a conditional UPDATE (`… WHERE
reminded_early_at IS NULL`) in the transaction that queues its e-mail, so only one run sends
it. A run that comes late catches a missed day up, but never sends the six-week reminder once
the one-week reminder is due: then only the last one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rathaus.core.mail import mail_send_on_commit

from .. import audit_events as audit
from ..constants import ApplicationKind
from ..follow_up_selectors import EARLY, LATE, reminders_due
from ..links import status_token, status_url
from ..models import Permit
from .follow_ups import FollowUpRejected, follow_up_create

logger = logging.getLogger("rathaus.parking_permits.jobs")

MARKS = {EARLY: "reminded_early_at", LATE: "reminded_late_at"}


def renewal_url(permit: Permit) -> str:
    """The renewal page of the permit's application (GET shows one button; POST renews)."""
    application = permit.application
    path = reverse("parking_permits:renew", args=[application.reference, status_token(application)])
    return str(settings.SITE_URL).rstrip("/") + path


def _claim(permit_pk: int, stage: str, now: datetime) -> bool:
    mark = MARKS[stage]
    return bool(
        Permit.objects.filter(pk=permit_pk, **{f"{mark}__isnull": True}).update(**{mark: now})
    )


def _remind(permit: Permit, stage: str) -> None:
    application = permit.application
    mail_send_on_commit(
        to=application.email,
        template_prefix="parking_permits/email/renewal_reminder",
        context={
            "application": application,
            "permit": permit,
            "late": stage == LATE,
            "renew_url": renewal_url(permit),
            "status_url": status_url(application),
        },
        language=application.language,
    )


def _auto_renew(permit: Permit, now: datetime) -> bool:
    try:
        follow_up_create(
            permit=permit, kind=ApplicationKind.RENEWAL, now=now, fee_kind=None, automatic=True
        )
    except FollowUpRejected as error:  # e.g. no fee in force: remind instead
        logger.warning("automatic renewal of %s not possible: %s", permit.number, error.code)
        return False
    return True


def renewal_reminders_send(*, now: datetime | None = None) -> int:
    """Send every due reminder (or apply for the automatic renewal); how many were handled."""
    now = now or timezone.now()
    handled = 0
    for stage in (LATE, EARLY):
        for pk in list(reminders_due(stage, now).values_list("pk", flat=True)):
            with transaction.atomic():
                if not reminders_due(stage, now).filter(pk=pk).exists():
                    continue  # renewed or ended meanwhile
                if not _claim(pk, stage, now):
                    continue  # another run has it
                permit = Permit.objects.select_related("application", "zone").get(pk=pk)
                if not (permit.auto_renew and _auto_renew(permit, now)):
                    _remind(permit, stage)
                    audit.permit_reminded(permit, stage=stage)
                handled += 1
    logger.info("parking renewal reminders: %s", handled)
    return handled
