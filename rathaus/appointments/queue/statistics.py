"""The waiting room's figures, computed from plain rows: no database, no clock, no
translation (docs/appointments-queue.md, "Statistics", says the same for the office).

- *Waiting time*: from check-in or issue to the ticket's first call, in minutes, over the
  tickets that were called; by the hour of check-in or issue and by weekday. A ticket sent
  back after an unanswered call counts with its first wait only.
- *Processing time*: the measured samples (start to finish, per unit of a service, as the
  estimates use them), per service, next to the configured minutes.
- *No-shows*: no-shows / (no-shows + done), only tickets whose outcome is known; by kind.
- *Walk-in share*: walk-in tickets / all tickets.
- *Calls per counter*: calls and recalls.

Median: the middle value (the mean of the two middle ones for an even count), as the
estimates compute it; 90th percentile: the smallest value that 90 % do not exceed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import median
from typing import NamedTuple

from rathaus.appointments.statistics.figures import Share

# As stored (constants.TicketKind, TicketStatus, CallKind); repeated so this module stays pure.
APPOINTMENT, WALK_IN = "appointment", "walk_in"
KINDS = (APPOINTMENT, WALK_IN)
DONE, NO_SHOW = "done", "no_show"
RECALL = "recall"


class TicketRow(NamedTuple):
    kind: str
    status: str
    day: date  # the ticket's local day
    hour: int  # local hour of check-in or issue
    waited: float | None  # minutes to the first call; None: never called


class SampleRow(NamedTuple):
    service_id: int
    minutes: float  # per unit


class CallRow(NamedTuple):
    counter_id: int
    kind: str


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The smallest value at or below which `fraction` of the values lie."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass(frozen=True, slots=True)
class Spread:
    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(len(values), median(values) if values else None, percentile(values, 0.9))


@dataclass
class CounterCalls:
    calls: int = 0
    recalls: int = 0


@dataclass
class QueueStatistics:
    first: date
    last: date
    tickets: int = 0
    called: int = 0
    walk_in: Share = field(default_factory=Share)
    waiting: Spread = field(default_factory=lambda: Spread.of([]))
    waiting_by_hour: dict[int, Spread] = field(default_factory=dict)
    waiting_by_weekday: dict[int, Spread] = field(default_factory=dict)
    waiting_by_kind: dict[str, Spread] = field(default_factory=dict)
    no_show: Share = field(default_factory=Share)
    no_show_by_kind: dict[str, Share] = field(default_factory=dict)
    processing: dict[int, Spread] = field(default_factory=dict)
    calls: dict[int, CounterCalls] = field(default_factory=dict)

    def hours(self) -> list[tuple[int, Spread]]:
        return sorted(self.waiting_by_hour.items())

    def weekdays(self) -> list[tuple[int, Spread]]:
        return sorted(self.waiting_by_weekday.items())

    def kinds(self) -> list[tuple[str, Spread, Share]]:
        return [
            (kind, self.waiting_by_kind.get(kind, Spread.of([])), self.no_show_by_kind[kind])
            for kind in KINDS
        ]


def _spreads(groups: dict[object, list[float]]) -> dict:
    return {key: Spread.of(values) for key, values in groups.items()}


def queue_statistics_compute(
    *,
    first: date,
    last: date,
    tickets: Iterable[TicketRow],
    samples: Iterable[SampleRow] = (),
    calls: Iterable[CallRow] = (),
) -> QueueStatistics:
    """Every figure of the period `first`–`last` (tickets of other days are left out; the
    samples and calls are taken as given)."""
    stats = QueueStatistics(first, last)
    waits: list[float] = []
    by_hour: dict[object, list[float]] = {}
    by_weekday: dict[object, list[float]] = {}
    by_kind: dict[object, list[float]] = {}
    missed = dict.fromkeys(KINDS, 0)
    decided = dict.fromkeys(KINDS, 0)
    walk_ins = 0
    for row in tickets:
        if not first <= row.day <= last:
            continue
        stats.tickets += 1
        walk_ins += row.kind == WALK_IN
        if row.status in (DONE, NO_SHOW) and row.kind in decided:
            decided[row.kind] += 1
            missed[row.kind] += row.status == NO_SHOW
        if row.waited is None:
            continue
        stats.called += 1
        waits.append(row.waited)
        by_hour.setdefault(row.hour, []).append(row.waited)
        by_weekday.setdefault(row.day.weekday(), []).append(row.waited)
        by_kind.setdefault(row.kind, []).append(row.waited)
    stats.walk_in = Share(walk_ins, stats.tickets)
    stats.waiting = Spread.of(waits)
    stats.waiting_by_hour = _spreads(by_hour)
    stats.waiting_by_weekday = _spreads(by_weekday)
    stats.waiting_by_kind = _spreads(by_kind)
    stats.no_show_by_kind = {kind: Share(missed[kind], decided[kind]) for kind in KINDS}
    stats.no_show = Share(sum(missed.values()), sum(decided.values()))
    per_service: dict[object, list[float]] = {}
    for sample in samples:
        per_service.setdefault(sample.service_id, []).append(sample.minutes)
    stats.processing = _spreads(per_service)
    for call in calls:
        tally = stats.calls.setdefault(call.counter_id, CounterCalls())
        if call.kind == RECALL:
            tally.recalls += 1
        else:
            tally.calls += 1
    return stats
