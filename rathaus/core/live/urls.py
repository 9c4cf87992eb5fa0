"""Where browsers find a channel's stream (RATHAUS_LIVE_URL, see docs/configuration.md)."""

from urllib.parse import urlsplit

from django.conf import settings

from .channels import channel_is_valid
from .selectors import live_last_id


def live_stream_url(channel: str, after: int | None = None, *, first: bool = False) -> str:
    """The stream's address for `EventSource`; `after`: the last event id the page shows;
    `first`: this follower is served before the others (a call display among a thousand
    phones)."""
    if not channel_is_valid(channel):
        raise ValueError("invalid live channel name")
    url = f"{settings.RATHAUS_LIVE_URL}/{channel}"
    query = [f"after={int(after)}"] if after is not None else []
    if first:
        query.append("first=1")
    return f"{url}?{'&'.join(query)}" if query else url


def live_follow_url(channel: str, *, first: bool = False) -> str:
    """Where a page follows `channel` from now on; "" without a live server (the page polls)."""
    if not settings.RATHAUS_LIVE_URL:
        return ""
    return live_stream_url(channel, after=live_last_id(channel), first=first)


def live_origin() -> str:
    parts = urlsplit(settings.RATHAUS_LIVE_URL)
    return f"{parts.scheme}://{parts.netloc}"
