from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from rathaus.appointments.models import Location
from rathaus.core.live import live_publish
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


def live_channel(location_id: int) -> str:
    """The live channel of a location's waiting room: displays and phones follow it."""
    return f"queue.{location_id}"


def queue_lock(location_id: int) -> Queue:
    """Lock the location's queue for the rest of the transaction. On PostgreSQL this row
    serialises every write of one location; SQLite's immediate transactions do so anyway.

    Every write of a location takes this lock, so this is where the live channel learns of
    it: one event per write, sent when (and only if) the transaction commits. The event
    carries nothing but "changed"; displays and phones then read their own state, which
    never holds more than a number and a counter."""
    Queue.objects.get_or_create(location_id=location_id)
    queue = Queue.objects.select_for_update().get(location_id=location_id)
    live_publish(live_channel(location_id), "state", {})
    return queue


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()


def day_of(moment: datetime):
    return moment.astimezone(BERLIN).date()
