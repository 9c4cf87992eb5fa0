"""Names and wire format of the live channel."""

import json
import re
from typing import Any

CHANNEL_RE = re.compile(r"[A-Za-z0-9.\-]{1,60}")
KIND_RE = re.compile(r"[A-Za-z0-9._\-]{1,40}")
# One PostgreSQL notification channel for every live channel; its payload is the event id.
PG_CHANNEL = "rathaus_live"


def channel_is_valid(channel: str) -> bool:
    return CHANNEL_RE.fullmatch(channel) is not None


def kind_is_valid(kind: str) -> bool:
    return KIND_RE.fullmatch(kind) is not None


def sse_event(event_id: int, kind: str, payload: Any) -> bytes:
    # compact JSON has no newline, so one `data:` line carries it
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return f"id: {event_id}\nevent: {kind}\ndata: {data}\n\n".encode()
