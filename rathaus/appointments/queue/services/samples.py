"""Processing-time samples: a finished ticket's minutes from start to finish, split over its
services in proportion to the catalogue's minutes × count, stored per unit of a service so
that they compare with the catalogue's minutes per person."""

from __future__ import annotations

from ..models import Sample, Ticket


def samples_record(ticket: Ticket) -> list[Sample]:
    if ticket.started_at is None or ticket.finished_at is None:
        return []
    minutes = (ticket.finished_at - ticket.started_at).total_seconds() / 60
    needs = list(ticket.needs.select_related("service"))
    planned = sum(need.service.minutes * need.count for need in needs)
    if minutes <= 0 or not planned:
        return []
    return Sample.objects.bulk_create(
        Sample(
            service=need.service,
            location_id=ticket.location_id,
            ticket=ticket,
            minutes=minutes * need.service.minutes / planned,
            count=need.count,
            finished_at=ticket.finished_at,
        )
        for need in needs
    )
