"""Where browsers find a channel's stream (RATHAUS_LIVE_URL, see docs/configuration.md)."""

from urllib.parse import urlsplit

from django.conf import settings

from .channels import channel_is_valid
from .selectors import live_last_id


def live_stream_url(channel: str, after: int | None = None) -> str:
    """The stream's address for `EventSource`; `after`: the last event id the page shows."""
    if not channel_is_valid(channel):
        raise ValueError("invalid live channel name")
    url = f"{settings.RATHAUS_LIVE_URL}/{channel}"
    return url if after is None else f"{url}?after={int(after)}"


def live_follow_url(channel: str) -> str:
    """Where a page follows `channel` from now on; "" without a live server (the page polls)."""
    if not settings.RATHAUS_LIVE_URL:
        return ""
    return live_stream_url(channel, after=live_last_id(channel))


def live_origin() -> str:
    parts = urlsplit(settings.RATHAUS_LIVE_URL)
    return f"{parts.scheme}://{parts.netloc}"
