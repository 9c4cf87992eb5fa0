from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from rathaus.appointments.models import Location
from rathaus.core.timezone import BERLIN

from ..models import Queue


class QueueRefused(Exception):
    """The action is refused; `message` says why, for the citizen or the clerk."""

    def __init__(self, message: object) -> None:
        self.message = message
        super().__init__(str(message))


def queue_get(location: Location) -> Queue:
    """The location's rules (made with the defaults on first use)."""
    return Queue.objects.get_or_create(location=location)[0]


def queue_lock(location_id: int) -> Queue:
    """Lock the location's queue for the rest of the transaction. On PostgreSQL this row
    serialises every write of one location; SQLite's immediate transactions do so anyway."""
    Queue.objects.get_or_create(location_id=location_id)
    return Queue.objects.select_for_update().get(location_id=location_id)


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()


def day_of(moment: datetime):
    return moment.astimezone(BERLIN).date()
