"""Reads of the clerk's workplace and the information desk: a counter's current ticket, the
location's waiting list (number and services only), one ticket of a location."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rathaus.appointments.models import Counter, Location
from rathaus.core.timezone import BERLIN

from .constants import AT_COUNTER, TicketStatus
from .models import Queue, Ticket
from .rules import in_order


@dataclass(frozen=True)
class WaitingLine:
    ticket: Ticket
    services: str
    minutes: int


def services_text(ticket: Ticket) -> str:
    return ", ".join(
        f"{need.service.name} × {need.count}" if need.count > 1 else need.service.name
        for need in ticket.needs.all()
    )


def counter_ticket(counter: Counter) -> Ticket | None:
    """The ticket called to or served at the counter now."""
    return (
        Ticket.objects.filter(counter=counter, status__in=AT_COUNTER)
        .select_related("appointment")
        .prefetch_related("needs__service")
        .first()
    )


def waiting_list(location: Location, now: datetime) -> list[WaitingLine]:
    """The location's waiting tickets of today in the queue's order."""
    rules = Queue.objects.filter(location=location).first() or Queue(location=location)
    tickets = Ticket.objects.filter(
        location=location, day=now.astimezone(BERLIN).date(), status=TicketStatus.WAITING
    ).prefetch_related("needs__service")
    return [
        WaitingLine(
            ticket, services_text(ticket), int((now - ticket.queued_at).total_seconds() // 60)
        )
        for ticket in in_order(tickets, now, rules)
    ]


def location_ticket(location: Location, pk: int) -> Ticket | None:
    return Ticket.objects.filter(pk=pk, location=location).first()
