"""The drift of the catalogue's minutes, as rows for the page and the weekly e-mail.

The report is sent on Mondays from 06:00 (Berlin): the job loop runs every minute, so the
first run after six sends it. Once per ISO week and recipient without a table of its own:
the subject names the week, and a recipient who already has an e-mail with that subject in
the outbox gets none (sent e-mails stay there for RATHAUS_MAIL_RETENTION_DAYS, at least the
rest of the Monday). A Monday the job loop misses entirely sends nothing that week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rathaus.appointments.constants import STEP_MINUTES, LocationKind
from rathaus.appointments.models import Location
from rathaus.core.mail import mail_queue, mail_render
from rathaus.core.models import OutboxMessage
from rathaus.core.timezone import BERLIN

from ..constants import DRIFT_PERCENT, SAMPLE_DAYS
from ..selectors import Drift, duration_drift

REPORT_WEEKDAY = 0  # Monday
REPORT_HOUR = 6
REPORT_LANGUAGE = "de"


@dataclass(frozen=True)
class DriftLine:
    drift: Drift
    suggested: int | None  # the median on the slot grid; None where that is the configured value
    since: date
    until: date

    @property
    def percent(self) -> int:
        return round(self.drift.percent)


def suggestion(measured: float, configured: int) -> int | None:
    """The measured median rounded to the counters' 5-minute grid (at least one step)."""
    minutes = max(STEP_MINUTES, round(measured / STEP_MINUTES) * STEP_MINUTES)
    return None if minutes == configured else minutes


def drift_lines(now: datetime, *, percent: int = DRIFT_PERCENT) -> list[DriftLine]:
    until = now.astimezone(BERLIN).date()
    since = (now - timedelta(days=SAMPLE_DAYS)).astimezone(BERLIN).date()
    return [
        DriftLine(drift, suggestion(drift.measured, drift.configured), since, until)
        for drift in duration_drift(now, percent=percent)
    ]


def report_recipients() -> list[str]:
    emails = Location.objects.filter(kind=LocationKind.CITIZEN_OFFICE).exclude(email="")
    return sorted(set(emails.values_list("email", flat=True)))


def _week(now: datetime) -> str:
    year, week, _day = now.astimezone(BERLIN).isocalendar()
    return f"{week}/{year}"


def drift_report_send(*, now: datetime | None = None) -> int:
    """E-mail the drifting services to the citizen offices on Mondays; returns the count of
    e-mails queued."""
    now = now or timezone.now()
    local = now.astimezone(BERLIN)
    if local.weekday() != REPORT_WEEKDAY or local.hour < REPORT_HOUR:
        return 0
    lines = drift_lines(now)
    if not lines:
        return 0
    context = {
        "lines": lines,
        "week": _week(now),
        "percent": DRIFT_PERCENT,
        "page_url": settings.SITE_URL + reverse("queue_drift:page"),
    }
    queued = 0
    with transaction.atomic():
        for to in report_recipients():
            mail = mail_render(
                to=to,
                template_prefix="queue/email/drift_report",
                context=context,
                language=REPORT_LANGUAGE,
            )
            if OutboxMessage.objects.filter(to=to, subject=mail.subject).exists():
                continue
            mail_queue(mail)
            queued += 1
    return queued
