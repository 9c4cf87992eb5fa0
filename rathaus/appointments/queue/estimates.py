"""Measured durations and waiting-time estimates, honest and simple.

A service's duration is the median of its most recent SAMPLE_WINDOW samples (per unit, see
`services.samples`) of the last SAMPLE_DAYS days; with fewer than SAMPLE_MINIMUM samples the
catalogue's minutes stand. A ticket's work is the sum of its services' durations × count.

The wait of a waiting ticket is the work ahead of it divided by the counters that could serve
it now (opened today and not paused or closed since, offering all its services): the work of
every ticket before it in the queue's order (`rules`) that one of those counters could take,
plus what remains of the
tickets those counters have called or are serving. An appointment that is not due yet waits
at least until its time comes. Without such a counter the wait is unknown (None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from statistics import median

from rathaus.appointments.models import Counter, Location, Service
from rathaus.core.timezone import BERLIN, local_datetime

from .constants import (
    AT_COUNTER,
    IN_QUEUE,
    SAMPLE_DAYS,
    SAMPLE_MINIMUM,
    SAMPLE_WINDOW,
    CounterMode,
    TicketStatus,
)
from .models import Queue, Sample, Ticket
from .rules import in_order, may_serve


@dataclass(frozen=True)
class Duration:
    service_id: int
    configured: int
    measured: float | None  # the median, None with fewer than SAMPLE_MINIMUM samples
    samples: int

    @property
    def minutes(self) -> float:
        return self.configured if self.measured is None else self.measured


def duration(service: Service, now: datetime) -> Duration:
    values = list(
        Sample.objects.filter(
            service=service, finished_at__gt=now - timedelta(days=SAMPLE_DAYS), finished_at__lte=now
        )
        .order_by("-finished_at", "-pk")
        .values_list("minutes", flat=True)[:SAMPLE_WINDOW]
    )
    measured = median(values) if len(values) >= SAMPLE_MINIMUM else None
    return Duration(service.pk, service.minutes, measured, len(values))


def durations(services: list[Service], now: datetime) -> dict[int, Duration]:
    return {service.pk: duration(service, now) for service in services}


def _work(ticket: Ticket, known: dict[int, Duration], now: datetime) -> float:
    total = 0.0
    for need in ticket.needs.all():
        if need.service_id not in known:
            known[need.service_id] = duration(need.service, now)
        total += known[need.service_id].minutes * need.count
    return total


def _remaining(ticket: Ticket, known: dict[int, Duration], now: datetime) -> float:
    work = _work(ticket, known, now)
    if ticket.status == TicketStatus.SERVING and ticket.started_at:
        work -= (now - ticket.started_at).total_seconds() / 60
    return max(work, 0.0)


@dataclass(frozen=True)
class Estimate:
    ticket_id: int
    position: int  # 1 = next of the tickets these counters may serve
    ahead: int
    minutes: float | None


def _rules(location: Location) -> Queue:
    return Queue.objects.filter(location=location).first() or Queue(location=location)


def _open_counters(location: Location, now: datetime) -> list[tuple[Counter, set[int]]]:
    """Counters open today (a counter left open yesterday counts again once it calls)."""
    today = local_datetime(now.astimezone(BERLIN).date(), time(0))
    counters = Counter.objects.filter(
        location=location, queue_state__mode=CounterMode.OPEN, queue_state__since__gte=today
    ).prefetch_related("services")
    return [(counter, {service.pk for service in counter.services.all()}) for counter in counters]


def _needed(ticket: Ticket) -> set[int]:
    return {need.service_id for need in ticket.needs.all()}


@dataclass
class Floor:
    """What the estimates read of a location's day, read once for everything that a live
    event carries (the place table and the display's waiting time)."""

    queue: Queue
    tickets: list[Ticket]  # the day's, with their counter and needs
    counters: list[tuple[Counter, set[int]]]  # open, with the service ids they offer
    known: dict[int, Duration]  # durations read so far


def floor_read(location: Location, now: datetime) -> Floor:
    day = now.astimezone(BERLIN).date()
    tickets = list(
        Ticket.objects.filter(location=location, day=day)
        .select_related("counter")
        .prefetch_related("needs__service")
    )
    return Floor(_rules(location), tickets, _open_counters(location, now), {})


def estimates(location: Location, now: datetime, floor: Floor | None = None) -> dict[int, Estimate]:
    """The estimate of every waiting ticket of the location's day.

    Read with every event of the live channel, so what is asked of each pair of tickets is
    worked out once per ticket: the counters that may serve it and its work. What stays
    quadratic is one set intersection per pair."""
    floor = floor or floor_read(location, now)
    queue, tickets, counters, known = floor.queue, floor.tickets, floor.counters, floor.known
    waiting = in_order([t for t in tickets if t.status == TicketStatus.WAITING], now, queue)
    busy = [t for t in tickets if t.status in AT_COUNTER]
    lead = timedelta(minutes=queue.due_lead_minutes)
    servers = {
        t.pk: frozenset(c.pk for c, offered in counters if may_serve(c, offered, t, _needed(t)))
        for t in waiting
    }
    work_of = {t.pk: _work(t, known, now) for t in waiting}
    remaining_at: dict[int | None, float] = {}
    for t in busy:
        remaining_at[t.counter_id] = remaining_at.get(t.counter_id, 0.0) + _remaining(t, known, now)
    result: dict[int, Estimate] = {}
    for index, ticket in enumerate(waiting):
        able = servers[ticket.pk]
        if not able:
            result[ticket.pk] = Estimate(ticket.pk, 0, 0, None)
            continue
        before = [other for other in waiting[:index] if servers[other.pk] & able]
        work = sum(work_of[other.pk] for other in before)
        work += sum(remaining_at.get(counter_id, 0.0) for counter_id in able)
        minutes = work / len(able)
        if ticket.due_at is not None and not ticket.urgent:
            minutes = max(minutes, (ticket.due_at - lead - now).total_seconds() / 60)
        result[ticket.pk] = Estimate(ticket.pk, len(before) + 1, len(before), minutes)
    return result


def walk_in_wait(location: Location, now: datetime, floor: Floor | None = None) -> float | None:
    """What a walk-in taking a ticket now would wait for (every open counter, every ticket
    due by now ahead of it), for the display's "waiting time without appointment"."""
    floor = floor or floor_read(location, now)
    queue, counters, known = floor.queue, floor.counters, floor.known
    if not counters:
        return None
    tickets = [t for t in floor.tickets if t.status in IN_QUEUE]
    lead = timedelta(minutes=queue.due_lead_minutes)
    work = 0.0
    for ticket in tickets:
        if ticket.status in AT_COUNTER:
            work += _remaining(ticket, known, now)
        elif ticket.due_at is None or ticket.due_at <= now + lead or ticket.urgent:
            work += _work(ticket, known, now)
    return work / len(counters)
