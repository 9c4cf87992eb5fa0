"""Reads of the live channel."""

from django.db.models import Max

from rathaus.core.models import LiveEvent


def live_events_after(channel: str, after_id: int, limit: int = 500) -> list[LiveEvent]:
    """The channel's events with an id above `after_id`, oldest first, at most `limit`."""
    return list(LiveEvent.objects.filter(channel=channel, id__gt=after_id).order_by("id")[:limit])


def live_last_id(channel: str) -> int:
    """The channel's newest event id (0 without events): a page renders its state and hands
    this to the stream as `?after=`, so nothing between render and connect is missed."""
    last = LiveEvent.objects.filter(channel=channel).aggregate(last=Max("id"))["last"]
    return int(last or 0)
