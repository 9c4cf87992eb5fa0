"""Same-day requests are personal data (names, dates of birth, e-mail address): they are
deleted when the appointments' retention period after their day has passed. The published
result document names only references, minutes and services, so it stays verifiable."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from rathaus.appointments.constants import RETENTION_DAYS
from rathaus.core.timezone import BERLIN

from ..models import SameDayRequest


def requests_purge(*, now: datetime | None = None) -> int:
    """Delete the requests of draws more than RETENTION_DAYS days ago; how many."""
    now = now or timezone.now()
    cutoff = now.astimezone(BERLIN).date() - timedelta(days=RETENTION_DAYS)
    old = SameDayRequest.objects.filter(draw__day__lt=cutoff)
    count = old.count()
    old.delete()
    return count


def requests_erase_for_email(email_key: str) -> int:
    """Art. 17: delete every request of the address (a request still waiting for today's
    draw is withdrawn with it)."""
    requests = SameDayRequest.objects.filter(email_key=email_key)
    count = requests.count()
    requests.delete()
    return count
