"""The order of the queue, as data of each location's `Queue` row.

One queue per location and day. When a counter presses "next", of the waiting tickets that it
may serve (it offers every service of the ticket, the ticket was not moved to another counter,
and an emergency-only counter takes urgent tickets only) it gets the first by:

1. tickets a clerk flagged urgent, longest waiting first;
2. appointments whose time has come (start <= now + `due_lead_minutes`), earliest start first;
   an appointment up to `late_grace_minutes` late keeps its time;
3. everybody else, longest waiting first: walk-ins, appointments checked in early (until
   their time comes), appointments that came later than the grace (`late_policy` walk_in;
   they get a walk-in number), and tickets sent back after a call nobody answered (they wait
   anew from that moment).

Waiting counts from check-in or issue (`queued_at`). A ticket moved to another counter or to
other services keeps its place. After `max_calls` calls without anybody coming, "not present"
makes the ticket a no-show (and its appointment, as the back office marks one).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from .models import Counter, Queue, Ticket

URGENT, DUE, WAITING = 0, 1, 2


def order_key(ticket: Ticket, now: datetime, queue: Queue) -> tuple:
    if ticket.urgent:
        return (URGENT, ticket.queued_at, ticket.pk)
    lead = timedelta(minutes=queue.due_lead_minutes)
    if ticket.due_at is not None and ticket.due_at <= now + lead:
        return (DUE, ticket.due_at, ticket.pk)
    return (WAITING, ticket.queued_at, ticket.pk)


def in_order(tickets: Iterable[Ticket], now: datetime, queue: Queue) -> list[Ticket]:
    return sorted(tickets, key=lambda ticket: order_key(ticket, now, queue))


def may_serve(counter: Counter, offered: set[int], ticket: Ticket, needed: set[int]) -> bool:
    """Whether `counter` (offering the service ids `offered`) may call `ticket` (needing
    `needed`)."""
    if ticket.for_counter_id is not None and ticket.for_counter_id != counter.pk:
        return False
    if counter.emergency_only and not ticket.urgent:
        return False
    return needed <= offered
