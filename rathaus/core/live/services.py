"""Writes of the live channel."""

from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from rathaus.core.models import LiveEvent

from .channels import PG_CHANNEL, channel_is_valid, kind_is_valid

RETENTION = timedelta(days=1)


def live_publish(channel: str, kind: str, payload: Any) -> LiveEvent:
    """Record an event in the caller's transaction; clients see it once that commits.

    Publishers of one channel take turns until their commit (a transaction-scoped advisory
    lock on PostgreSQL, the single writer on SQLite), so a channel's ids grow in commit order
    and a client that asks for the ids after the last one it saw misses nothing. Publish as
    the last write of a transaction: the turn is held until it ends.
    """
    if not channel_is_valid(channel):
        raise ValueError("invalid live channel name")
    if not kind_is_valid(kind):
        raise ValueError("invalid live event kind")
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["live:" + channel])
    event = LiveEvent.objects.create(channel=channel, kind=kind, payload=payload)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [PG_CHANNEL, str(event.pk)])
    return event


def live_events_delete_old(now: datetime | None = None) -> int:
    """Delete events older than a day (a scheduled job); returns how many."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _ = LiveEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
