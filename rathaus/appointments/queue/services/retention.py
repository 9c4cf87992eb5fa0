"""Queue data (tickets with their services and calls, processing-time samples) is deleted
RETENTION_DAYS after its day; the waiting room needs nothing older."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone

from ..constants import RETENTION_DAYS
from ..models import Sample, Ticket
from .base import day_of

logger = logging.getLogger("rathaus.appointments.jobs")


def queue_erase(*, now: datetime | None = None) -> int:
    """Delete what is older than the retention period; returns the number of tickets and
    samples deleted. Idempotent."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=RETENTION_DAYS)
    samples, _detail = Sample.objects.filter(finished_at__lt=cutoff).delete()
    tickets = Ticket.objects.filter(day__lt=day_of(cutoff))
    count = tickets.count()
    tickets.delete()
    logger.info("queue data erased: %s tickets, %s samples", count, samples)
    return count + samples
