"""Queue data (tickets with their services and calls, processing-time samples) is deleted
RETENTION_DAYS after its day (whole days); the waiting room needs nothing older."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.utils import timezone

from rathaus.core.timezone import local_datetime

from ..constants import RETENTION_DAYS
from ..models import Sample, Ticket
from .base import day_of

logger = logging.getLogger("rathaus.appointments.jobs")


def queue_erase(*, now: datetime | None = None) -> int:
    """Delete what is older than the retention period; returns the number of tickets and
    samples deleted. Idempotent."""
    now = now or timezone.now()
    # Whole days, so that a ticket and its samples go together.
    first_kept = day_of(now - timedelta(days=RETENTION_DAYS))
    samples, _detail = Sample.objects.filter(
        finished_at__lt=local_datetime(first_kept, time(0))
    ).delete()
    tickets = Ticket.objects.filter(day__lt=first_kept)
    count = tickets.count()
    tickets.delete()
    logger.info("queue data erased: %s tickets, %s samples", count, samples)
    return count + samples
