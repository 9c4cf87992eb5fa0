"""What a channel's events carry when they are delivered.

An event is written with the write that causes it, under that write's locks, so it should be
small. What the followers of a channel need (a waiting room's place table, say) is read once
per delivery instead, after the commit, by a function the owning app registers for a prefix
of channel names (`live_view_register`), and sent with every event of that channel in the
batch. A thousand phones then need no read of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

View = Callable[[str], dict[str, Any]]
_views: dict[str, View] = {}


def live_view_register(prefix: str, view: View) -> None:
    """Deliver the events of channels named `prefix…` with `view(channel)` added."""
    _views[prefix] = view


def live_views_read(channels: set[str]) -> dict[str, dict[str, Any]]:
    """For each channel that has a registered view: what it shows now (one read each)."""
    shown = {}
    for channel in channels:
        view = next((v for prefix, v in _views.items() if channel.startswith(prefix)), None)
        if view is not None:
            shown[channel] = view(channel)
    return shown


def with_view(payload: Any, shown: dict[str, Any] | None) -> Any:
    if not shown:
        return payload
    return {**(payload if isinstance(payload, dict) else {}), **shown}
