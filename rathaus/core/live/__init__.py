"""A live channel: events written in the transaction that causes them, streamed to browsers.

`live_publish` inserts a `LiveEvent` in the caller's transaction (on PostgreSQL it also sends
a NOTIFY, delivered on commit). The live server (`rathaus.core.live.asgi`, run by uvicorn
beside the main server) streams a channel as Server-Sent Events at `/live/<channel>`, with
catch-up by id after a reconnect. See docs/decisions/0024-live-channel.md.
"""

from .channels import channel_is_valid
from .delivery import live_view_register
from .selectors import live_events_after, live_last_id
from .services import live_events_delete_old, live_publish
from .urls import live_follow_url, live_stream_url

__all__ = [
    "channel_is_valid",
    "live_events_after",
    "live_events_delete_old",
    "live_follow_url",
    "live_last_id",
    "live_publish",
    "live_stream_url",
    "live_view_register",
]
