"""What the Traukalender announces to the apps built on it, without importing them.

An app registers a receiver in its `AppConfig.ready()` (the waiting list: `waitlist_slot_freed`);
the Traukalender calls every receiver after its transaction commits. A plain list, not Django
signals: who listens is visible in one place and in the receivers' own `ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from django.db import transaction


class SlotFreedReceiver(Protocol):
    def __call__(
        self,
        *,
        venue: Any,
        start: datetime,
        end: datetime | None = None,
        freed_booking_id: int | None = None,
        now: datetime | None = None,
    ) -> object: ...


slot_freed_receivers: list[SlotFreedReceiver] = []


def slot_freed_receiver_register(receiver: SlotFreedReceiver) -> None:
    if receiver not in slot_freed_receivers:
        slot_freed_receivers.append(receiver)


def slot_freed_announce(
    *, venue: Any, start: datetime, end: datetime, freed_booking_id: int, now: datetime
) -> None:
    """After the commit, tell every receiver that a venue's slot has become free; one failing
    receiver neither undoes the cancellation nor keeps the others from hearing of it."""
    for receiver in slot_freed_receivers:
        call: Callable[[], object] = partial(
            receiver,
            venue=venue,
            start=start,
            end=end,
            freed_booking_id=freed_booking_id,
            now=now,
        )
        transaction.on_commit(call, robust=True)
