"""Walk-in tickets and the numbering every ticket shares ("A 017": the letter of its kind and
a sequence per location, day and letter, drawn under the location's queue lock; a unique
constraint backs it up)."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from rathaus.appointments.models import Appointment, Counter, Location, Service
from rathaus.core.tokens import nonce_new, token_sign, token_verify

from ..constants import TOKEN_NAMESPACE, TOKEN_PURPOSE, TicketKind
from ..models import Queue, Ticket, TicketService
from .base import QueueRefused, day_of, now_or, queue_lock


def ticket_create(
    *,
    queue: Queue,
    kind: str,
    needs: dict[Service, int],
    now: datetime,
    appointment: Appointment | None = None,
    due_at: datetime | None = None,
) -> Ticket:
    """A new ticket with the next number; the caller holds the queue lock."""
    day = day_of(now)
    letter = queue.letter(kind)
    last = Ticket.objects.filter(location_id=queue.location_id, day=day, letter=letter).aggregate(
        last=Max("sequence")
    )["last"]
    ticket = Ticket.objects.create(
        location_id=queue.location_id,
        day=day,
        kind=kind,
        letter=letter,
        sequence=(last or 0) + 1,
        appointment=appointment,
        issued_at=now,
        queued_at=now,
        due_at=due_at,
        token_nonce=nonce_new(),
    )
    TicketService.objects.bulk_create(
        TicketService(ticket=ticket, service=service, count=count)
        for service, count in needs.items()
    )
    return ticket


def servable(location_id: int, service_ids: Iterable[int]) -> bool:
    """Whether some counter of the location offers all these services."""
    needed = set(service_ids)
    for counter in Counter.objects.filter(location_id=location_id).prefetch_related("services"):
        if needed <= {service.pk for service in counter.services.all()}:
            return True
    return False


def walk_in_services(queue: Queue) -> list[Service]:
    """The services a walk-in may choose at the queue's location."""
    offered = Service.objects.filter(locations=queue.location_id, information_only=False)
    chosen = queue.walk_in_services.all()
    if chosen.exists():
        offered = offered.filter(pk__in=chosen)
    return list(offered)


def ticket_issue(
    *, location: Location, services: Sequence[str], now: datetime | None = None
) -> Ticket:
    """A walk-in ticket for the chosen service slugs (a slug twice counts twice)."""
    now = now_or(now)
    if not services:
        raise QueueRefused(_("Please choose at least one service."))
    with transaction.atomic():
        queue = queue_lock(location.pk)
        allowed = {service.slug: service for service in walk_in_services(queue)}
        needs: Tally[Service] = Tally()
        for slug in services:
            if slug not in allowed:
                raise QueueRefused(
                    _("“%(slug)s” cannot be chosen without an appointment here.") % {"slug": slug}
                )
            needs[allowed[slug]] += 1
        if not servable(location.pk, (service.pk for service in needs)):
            raise QueueRefused(
                _("No counter does these services together. Please take one ticket for each.")
            )
        return ticket_create(queue=queue, kind=TicketKind.WALK_IN, needs=dict(needs), now=now)


def ticket_token(ticket: Ticket) -> str:
    """The secret of the ticket's phone page (only the nonce is stored)."""
    return token_sign(
        namespace=TOKEN_NAMESPACE,
        purpose=TOKEN_PURPOSE,
        reference=str(ticket.pk),
        nonce=ticket.token_nonce,
    )


def ticket_token_valid(ticket: Ticket, token: str | None) -> bool:
    return token_verify(
        token,
        namespace=TOKEN_NAMESPACE,
        purpose=TOKEN_PURPOSE,
        reference=str(ticket.pk),
        nonce=ticket.token_nonce,
    )
