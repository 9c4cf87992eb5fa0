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
# channel -> (the newest event id seen when the view was read, what it showed)
_taken: dict[str, tuple[int, dict[str, Any]]] = {}


def live_view_register(prefix: str, view: View) -> None:
    """Deliver the events of channels named `prefix…` with `view(channel)` added."""
    _views[prefix] = view


def live_views_read(newest: dict[str, int]) -> dict[str, dict[str, Any]]:
    """For each channel that has a registered view, given the newest event id about to be
    delivered on it: what the view shows now. A reading taken after an event committed stays
    good for every event up to that one, so a thousand followers catching up after the same
    event cost one read, not a thousand."""
    shown = {}
    for channel, event_id in newest.items():
        view = next((v for prefix, v in _views.items() if channel.startswith(prefix)), None)
        if view is None:
            continue
        taken = _taken.get(channel)
        if taken is None or taken[0] < event_id:
            taken = (event_id, view(channel))
            _taken[channel] = taken
        shown[channel] = taken[1]
    return shown


def with_view(payload: Any, shown: dict[str, Any] | None) -> Any:
    if not shown:
        return payload
    return {**(payload if isinstance(payload, dict) else {}), **shown}
