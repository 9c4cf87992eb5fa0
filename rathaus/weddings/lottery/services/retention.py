"""The lottery's retention: names and contact data are erased after the draw (job
`lottery_erase_personal_data`, cron lines: docs/runbooks/jobs.md). Logs carry counts only."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rathaus.weddings.lottery import audit_events as audit
from rathaus.weddings.models import COUPLE_CONTACT_FIELDS

from ..constants import ApplicationStatus
from ..models import Application

logger = logging.getLogger("rathaus.weddings.lottery")
BATCH = 500


def retention_days_after_draw() -> int:
    return getattr(settings, "RATHAUS_LOTTERY_RETENTION_DAYS", 30)


def applications_erase_due(*, now: datetime | None = None) -> int:
    """Erase names and contact data of every application 30 days after its draw.

    Winners keep their data in the reservation (with the reservation's own retention); the
    reference, preferences, status and result stay so the draw can still be replayed.
    """
    now = now or timezone.now()
    due = Application.objects.filter(
        erased_at__isnull=True,
        lottery__drawn_at__lt=now - timedelta(days=retention_days_after_draw()),
    )
    count = 0
    while True:
        with transaction.atomic():
            batch = list(
                due.select_for_update(skip_locked=True, of=("self",)).order_by("pk")[:BATCH]
            )
            for application in batch:
                application_personal_data_erase(application, now=now)
        count += len(batch)
        if len(batch) < BATCH:
            break
    logger.info("lottery applications erased: %s", count)
    return count


def application_personal_data_erase(
    application: Application, *, now: datetime, actor=None, on_request: bool = False
) -> None:
    """Erase one locked application's names and contact data: by the retention rule or on
    request (privacy.py). Reference, preferences, status and result stay for the replay."""
    for name in COUPLE_CONTACT_FIELDS:
        setattr(application, name, "")
    application.token_nonce = ""  # links stop working
    application.erased_at = now
    application.save()
    audit.lottery_application_personal_data_erased(
        application=application, actor=actor, on_request=on_request
    )


WITHDRAWABLE = (ApplicationStatus.PENDING, ApplicationStatus.ENTERED)


def application_withdraw_and_erase(*, pk: int, actor, now: datetime) -> tuple[bool, bool]:
    """An erasure request (privacy.py): an application that can still take part is withdrawn
    first, then its names and contact data are erased. (erased, withdrawn); nothing when the
    retention job erased it meanwhile."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .filter(pk=pk, erased_at__isnull=True)
            .first()
        )
        if application is None:
            return False, False
        withdrawn = application.status in WITHDRAWABLE
        if withdrawn:
            application.status = ApplicationStatus.WITHDRAWN
            application.save(update_fields=["status", "updated_at"])
            audit.lottery_application_withdrawn(application=application)
        application_personal_data_erase(application, now=now, actor=actor, on_request=True)
    return True, withdrawn
