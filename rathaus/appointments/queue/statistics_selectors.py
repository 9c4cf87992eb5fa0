"""Reads of the waiting room's statistics: the locations with a waiting room, and three
queries (tickets with their first call, samples, calls) turned into plain rows for
`statistics.queue_statistics_compute`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta

from django.db.models import Min

from rathaus.appointments.models import Counter, Location, Service
from rathaus.core.timezone import BERLIN, local_datetime

from .constants import RETENTION_DAYS
from .models import Call, Sample, Ticket
from .statistics import CallRow, QueueStatistics, SampleRow, TicketRow, queue_statistics_compute


def statistics_earliest_day(today: date) -> date:
    """The first day whose data is still kept (`services.retention.queue_erase`)."""
    return today - timedelta(days=RETENTION_DAYS)


def statistics_locations() -> list[Location]:
    """Locations that have a waiting room."""
    return list(Location.objects.filter(queue__isnull=False).order_by("order", "slug"))


def _ticket_rows(location_ids: Sequence[int], first: date, last: date) -> list[TicketRow]:
    found = (
        Ticket.objects.filter(location_id__in=location_ids, day__gte=first, day__lte=last)
        .annotate(first_call=Min("calls__called_at"))
        .values_list("kind", "status", "day", "issued_at", "first_call")
    )
    return [
        TicketRow(
            kind,
            status,
            day,
            issued.astimezone(BERLIN).hour,
            None if called is None else (called - issued).total_seconds() / 60,
        )
        for kind, status, day, issued, called in found
    ]


def queue_statistics_for(
    *, location_ids: Sequence[int], first: date, last: date
) -> QueueStatistics:
    start = local_datetime(first, time.min)
    end = local_datetime(last + timedelta(days=1), time.min)
    samples = Sample.objects.filter(
        location_id__in=location_ids, finished_at__gte=start, finished_at__lt=end
    ).values_list("service_id", "minutes")
    calls = Call.objects.filter(
        location_id__in=location_ids, ticket__day__gte=first, ticket__day__lte=last
    ).values_list("counter_id", "kind")
    return queue_statistics_compute(
        first=first,
        last=last,
        tickets=_ticket_rows(location_ids, first, last),
        samples=[SampleRow(*row) for row in samples],
        calls=[CallRow(*row) for row in calls],
    )


def services_by_id(ids: Sequence[int]) -> dict[int, Service]:
    return {service.pk: service for service in Service.objects.filter(pk__in=ids)}


def counters_by_id(ids: Sequence[int]) -> dict[int, Counter]:
    found = Counter.objects.filter(pk__in=ids).select_related("location")
    return {counter.pk: counter for counter in found}
