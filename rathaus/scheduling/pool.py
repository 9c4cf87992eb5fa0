""" "One of a pool": any resource of a set that can do the job, in a pluggable order.

A strategy orders the candidates; the booking door then tries them in that order
(`BookingDoor.book_from_pool`, `BookingDoor.book_one_of`), so the choice is a preference and
the lock still decides. Strategies:
- "preferred": the order given (e.g. the domain's own preference);
- "least_busy": fewest blocking allocations on that local day first, ties in the given order;
- "random": least busy first, ties in random order;
- or any callable `(candidates, busy) -> ordered candidates`, `busy` mapping id to count.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from typing import Literal

from django.utils import timezone

from rathaus.core.timezone import BERLIN, local_datetime

from . import engine
from .selectors import allocation_intervals, calendars_between

PoolStrategy = (
    Literal["preferred", "least_busy", "random"]
    | Callable[[Sequence[int], dict[int, int]], Sequence[int]]
)


def _busy(resource_ids: Sequence[int], start: datetime, now: datetime) -> dict[int, int]:
    day = start.astimezone(BERLIN).date()
    found = allocation_intervals(
        list(resource_ids),
        local_datetime(day, time.min),
        local_datetime(day + timedelta(days=1), time.min),
        now,
    )
    busy = dict.fromkeys(resource_ids, 0)
    for resource_id, _start, _end in found:
        busy[resource_id] += 1
    return busy


def pool_order(
    resource_ids: Sequence[int],
    start: datetime,
    end: datetime,
    *,
    strategy: PoolStrategy = "preferred",
    now: datetime | None = None,
) -> list[int]:
    """The candidates in the order the strategy prefers them for [start, end)."""
    candidates = list(dict.fromkeys(resource_ids))
    if strategy == "preferred" or len(candidates) < 2:
        return candidates
    busy = _busy(candidates, start, now or timezone.now())
    if callable(strategy):
        return list(strategy(candidates, busy))
    if strategy == "random":
        tie = {resource_id: random.random() for resource_id in candidates}  # noqa: S311
        return sorted(candidates, key=lambda r: (busy[r], tie[r]))
    if strategy == "least_busy":
        return sorted(candidates, key=lambda r: busy[r])  # stable: ties keep the given order
    raise ValueError(f"unknown pool strategy {strategy!r}")


def pool_choose(
    resource_ids: Sequence[int],
    start: datetime,
    end: datetime,
    *,
    strategy: PoolStrategy = "preferred",
    now: datetime | None = None,
) -> int | None:
    """The first candidate, in the strategy's order, that offers [start, end) and is free then
    (a read: the booking door decides under its lock), or None."""
    now = now or timezone.now()
    day = start.astimezone(BERLIN).date()
    last = end.astimezone(BERLIN).date()
    calendars = {c.resource_id: c for c in calendars_between(resource_ids, day, last, now=now)}
    low, high = engine.epoch(start), engine.epoch(end)
    for resource_id in pool_order(resource_ids, start, end, strategy=strategy, now=now):
        calendar = calendars[resource_id]
        if engine.slot_is_offered(calendar, low, high) and not engine.overlaps_blocked(
            calendar, low, high
        ):
            return resource_id
    return None
