"""The clerk's actions on the queue. Each runs under the location's queue lock, so two
counters pressing "next" at the same moment never get the same ticket, and a counter has at
most one ticket called or in service (a partial unique constraint backs this up)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.constants import AppointmentStatus
from rathaus.appointments.models import Counter, Service
from rathaus.appointments.services.booking import BookingRefused
from rathaus.appointments.services.staff import appointment_finish

from ..constants import AT_COUNTER, IN_QUEUE, CallKind, CounterMode, TicketStatus
from ..models import Call, CounterState, Ticket, TicketService
from ..rules import in_order, may_serve
from .base import QueueRefused, day_of, now_or, queue_lock
from .samples import samples_record
from .tickets import servable


def _locked(ticket: Ticket) -> tuple[Any, Ticket]:
    queue = queue_lock(ticket.location_id)
    return queue, Ticket.objects.select_for_update().get(pk=ticket.pk)


def _call(ticket: Ticket, counter: Counter, kind: str, now: datetime) -> Call:
    ticket.call_count += 1
    ticket.called_at = now
    ticket.save(update_fields=["status", "counter", "call_count", "called_at"])
    return Call.objects.create(
        ticket=ticket, counter=counter, location_id=ticket.location_id, called_at=now, kind=kind
    )


def call_next(counter: Counter, now: datetime | None = None) -> Ticket | None:
    """Call the first waiting ticket this counter may serve (see `rules`); None if there is
    none. Opens the counter (a paused one must resume first)."""
    now = now_or(now)
    with transaction.atomic():
        queue = queue_lock(counter.location_id)
        if Ticket.objects.filter(counter=counter, status__in=AT_COUNTER).exists():
            raise QueueRefused(_("Please finish or send back the current ticket first."))
        state = CounterState.objects.filter(counter=counter).first()
        if state is not None and state.mode == CounterMode.PAUSED:
            raise QueueRefused(_("This counter is paused. Please resume first."))
        if state is None or state.mode != CounterMode.OPEN or day_of(state.since) != day_of(now):
            CounterState.objects.update_or_create(
                counter=counter, defaults={"mode": CounterMode.OPEN, "since": now}
            )
        offered = set(counter.services.values_list("pk", flat=True))
        waiting = list(
            Ticket.objects.filter(
                location_id=counter.location_id, day=day_of(now), status=TicketStatus.WAITING
            ).prefetch_related("needs")
        )
        for ticket in in_order(waiting, now, queue):
            needed = {need.service_id for need in ticket.needs.all()}
            if may_serve(counter, offered, ticket, needed):
                ticket.status = TicketStatus.CALLED
                ticket.counter = counter
                _call(ticket, counter, CallKind.CALL, now)
                return ticket
        return None


def call_again(ticket: Ticket, now: datetime | None = None) -> Call:
    now = now_or(now)
    with transaction.atomic():
        _queue, ticket = _locked(ticket)
        if ticket.status != TicketStatus.CALLED:
            raise QueueRefused(_("Only a called ticket can be called again."))
        return _call(ticket, ticket.counter, CallKind.RECALL, now)


def _appointment_mark(ticket: Ticket, outcome: str, actor: Any, now: datetime) -> None:
    if ticket.appointment_id is None:
        return
    # Already marked in the back office, or called before its start: the ticket alone closes.
    with suppress(BookingRefused):
        appointment_finish(appointment=ticket.appointment, outcome=outcome, actor=actor, now=now)


def not_present(ticket: Ticket, *, actor: Any = None, now: datetime | None = None) -> Ticket:
    """Nobody came. After `max_calls` calls the ticket is a no-show (and its appointment);
    before, it goes back to the queue and waits anew from now."""
    now = now_or(now)
    with transaction.atomic():
        queue, ticket = _locked(ticket)
        if ticket.status != TicketStatus.CALLED:
            raise QueueRefused(_("Only a called ticket can be marked not present."))
        ticket.counter = None
        if ticket.call_count >= queue.max_calls:
            ticket.status = TicketStatus.NO_SHOW
            ticket.finished_at = now
            ticket.save(update_fields=["status", "counter", "finished_at"])
            _appointment_mark(ticket, AppointmentStatus.NO_SHOW, actor, now)
        else:
            ticket.status = TicketStatus.WAITING
            ticket.queued_at = now
            ticket.due_at = None
            ticket.save(update_fields=["status", "counter", "queued_at", "due_at"])
        return ticket


def start(ticket: Ticket, now: datetime | None = None) -> Ticket:
    now = now_or(now)
    with transaction.atomic():
        _queue, ticket = _locked(ticket)
        if ticket.status != TicketStatus.CALLED:
            raise QueueRefused(_("Only a called ticket can be started."))
        ticket.status = TicketStatus.SERVING
        ticket.started_at = now
        ticket.save(update_fields=["status", "started_at"])
        return ticket


def finish(ticket: Ticket, *, actor: Any = None, now: datetime | None = None) -> Ticket:
    """Done: records the processing time per service and marks the appointment done."""
    now = now_or(now)
    with transaction.atomic():
        _queue, ticket = _locked(ticket)
        if ticket.status != TicketStatus.SERVING:
            raise QueueRefused(_("Only a ticket in service can be finished."))
        ticket.status = TicketStatus.DONE
        ticket.finished_at = now
        ticket.save(update_fields=["status", "finished_at"])
        samples_record(ticket)
        _appointment_mark(ticket, AppointmentStatus.DONE, actor, now)
        return ticket


def move(
    ticket: Ticket,
    *,
    counter: Counter | None = None,
    services: Sequence[str] | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Back into the queue, keeping its place: for another counter, or for other services
    (slugs; a slug twice counts twice)."""
    if counter is None and services is None:
        raise ValueError("move needs a counter or services")
    with transaction.atomic():
        _queue, ticket = _locked(ticket)
        if ticket.status not in IN_QUEUE:
            raise QueueRefused(_("This ticket is closed."))
        if counter is not None:
            if counter.location_id != ticket.location_id:
                raise QueueRefused(_("This counter is at another location."))
            ticket.for_counter = counter
        if services is not None:
            _needs_replace(ticket, services)
        needed = set(ticket.needs.values_list("service_id", flat=True))
        if counter is not None:
            if not needed <= set(counter.services.values_list("pk", flat=True)):
                raise QueueRefused(_("This counter does not offer every service of the ticket."))
        elif not servable(ticket.location_id, needed):
            raise QueueRefused(_("No counter does these services together."))
        ticket.status = TicketStatus.WAITING
        ticket.counter = None
        ticket.started_at = None
        ticket.save(update_fields=["status", "counter", "for_counter", "started_at"])
        return ticket


def _needs_replace(ticket: Ticket, slugs: Sequence[str]) -> None:
    if not slugs:
        raise QueueRefused(_("Please choose at least one service."))
    offered = {
        service.slug: service for service in Service.objects.filter(locations=ticket.location_id)
    }
    counts: dict[Service, int] = {}
    for slug in slugs:
        if slug not in offered:
            raise QueueRefused(_("“%(slug)s” is not offered here.") % {"slug": slug})
        counts[offered[slug]] = counts.get(offered[slug], 0) + 1
    TicketService.objects.filter(ticket=ticket).delete()
    TicketService.objects.bulk_create(
        TicketService(ticket=ticket, service=service, count=count)
        for service, count in counts.items()
    )


def flag_urgent(ticket: Ticket, urgent: bool = True) -> Ticket:
    """Urgent tickets are called first (by their waiting time)."""
    with transaction.atomic():
        _queue, ticket = _locked(ticket)
        if ticket.status not in IN_QUEUE:
            raise QueueRefused(_("This ticket is closed."))
        ticket.urgent = urgent
        ticket.save(update_fields=["urgent"])
        return ticket
