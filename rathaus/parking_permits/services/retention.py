"""The retention job (`manage.py parking_retention`): uploads go when the case is decided,
closed applications and expired permits lose their personal data after the periods in
`constants` (docs/parking-permits.md, "Privacy")."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q

from ..constants import (
    CLOSED_APPLICATION_RETENTION_DAYS,
    EXPIRED_PERMIT_RETENTION_DAYS,
    UNPAID_EXPIRY_DAYS,
    UPLOAD_RETENTION_DAYS,
    Status,
)
from ..models import Application, Document, Permit
from .applications import application_personal_data_erase


def retention_run(*, now: datetime) -> Counter[str]:
    done: Counter[str] = Counter()
    decided = now - timedelta(days=UPLOAD_RETENTION_DAYS)
    for document in Document.objects.filter(
        application__decided_at__lt=decided,
        application__status__in=[Status.ISSUED, Status.REFUSED, Status.WITHDRAWN],
    ):
        with transaction.atomic():
            document.file.delete(save=False)
            document.delete()
        done["documents"] += 1
    unpaid = now - timedelta(days=UNPAID_EXPIRY_DAYS)
    done["withdrawn"] = Application.objects.filter(
        status=Status.APPROVED, paid_at__isnull=True, decided_at__lt=unpaid
    ).update(status=Status.WITHDRAWN)
    closed = now - timedelta(days=CLOSED_APPLICATION_RETENTION_DAYS)
    expired = (now - timedelta(days=EXPIRED_PERMIT_RETENTION_DAYS)).date()
    expired_permits = (
        Permit.objects.values("application")
        .annotate(last_day=Max("valid_until"))
        .filter(last_day__lt=expired)
        .values("application")
    )
    due = Application.objects.filter(erased_at__isnull=True).filter(
        Q(status__in=[Status.REFUSED, Status.WITHDRAWN], updated_at__lt=closed)
        | Q(pk__in=expired_permits)
    )
    for application in due.distinct():
        application_personal_data_erase(application=application, actor=None, now=now)
        done["erased"] += 1
    return done
