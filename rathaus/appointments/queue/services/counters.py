"""A counter's state in the queue: open (calls, counts for the estimates), paused, closed."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from rathaus.appointments.models import Counter

from ..constants import CounterMode
from ..models import CounterState
from .base import now_or, queue_lock


def _mode_set(counter: Counter, mode: str, now: datetime | None) -> CounterState:
    with transaction.atomic():
        queue_lock(counter.location_id)
        state, _created = CounterState.objects.get_or_create(
            counter=counter, defaults={"mode": mode, "since": now_or(now)}
        )
        if state.mode != mode:
            state.mode = mode
            state.since = now_or(now)
            state.save(update_fields=["mode", "since"])
        return state


def counter_open(counter: Counter, now: datetime | None = None) -> CounterState:
    return _mode_set(counter, CounterMode.OPEN, now)


def pause(counter: Counter, now: datetime | None = None) -> CounterState:
    return _mode_set(counter, CounterMode.PAUSED, now)


def resume(counter: Counter, now: datetime | None = None) -> CounterState:
    return _mode_set(counter, CounterMode.OPEN, now)


def counter_close(counter: Counter, now: datetime | None = None) -> CounterState:
    return _mode_set(counter, CounterMode.CLOSED, now)


def counter_mode(counter: Counter) -> str:
    state = CounterState.objects.filter(counter=counter).first()
    return state.mode if state else CounterMode.CLOSED


def kiosks_revoke(location_id: int) -> int:
    """Sign out every kiosk of a location (each must be set up again); the new generation."""
    with transaction.atomic():
        queue = queue_lock(location_id)
        queue.kiosk_generation += 1
        queue.save(update_fields=["kiosk_generation"])
        return int(queue.kiosk_generation)
