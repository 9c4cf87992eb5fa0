"""Reads of the waiting room's public pages (kiosk receipt, phone ticket page): one ticket by
its id, to be checked against its token by the caller."""

from __future__ import annotations

from rathaus.appointments.models import Location

from .models import Ticket


def ticket_get(pk: int, *, location: Location | None = None) -> Ticket | None:
    found = Ticket.objects.select_related("location").filter(pk=pk)
    if location is not None:
        found = found.filter(location=location)
    return found.first()
