"""Reads of the waiting room: a location's queue for the display and the back office, one
ticket's place and wait, and the services whose catalogue minutes drifted from reality."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rathaus.appointments.models import Location, Service
from rathaus.core.timezone import BERLIN

from .constants import AT_COUNTER, DRIFT_PERCENT, IN_QUEUE, TicketStatus
from .estimates import Duration, Floor, duration, estimates, floor_read, walk_in_wait
from .models import Call, Ticket
from .speech import announcement_key


@dataclass(frozen=True)
class CallLine:
    id: int
    number: str
    counter: str
    kind: str
    called_at: datetime


@dataclass(frozen=True)
class QueueState:
    waiting: int
    current: list[CallLine]  # tickets called or in service now, by counter
    calls: list[CallLine]  # calls after `since`, oldest first
    last_call_id: int
    walk_in_minutes: float | None


def _line(call: Call) -> CallLine:
    return CallLine(call.pk, call.ticket.number, call.counter.name, call.kind, call.called_at)


def queue_state(
    location: Location,
    now: datetime,
    *,
    since: int = 0,
    last: int = 10,
    floor: Floor | None = None,
) -> QueueState:
    """Waiting count, the current calls, and at most `last` calls with an id above `since`.
    `floor`: the day's tickets and counters when the caller has read them already."""
    day = now.astimezone(BERLIN).date()
    floor = floor or floor_read(location, now)
    waiting = sum(1 for t in floor.tickets if t.status == TicketStatus.WAITING)
    at_counter = [t.pk for t in floor.tickets if t.status in AT_COUNTER]
    newest: dict[int, Call] = {}  # each ticket at a counter: its newest call
    for call in (
        Call.objects.filter(ticket_id__in=at_counter)
        .select_related("ticket", "counter")
        .order_by("ticket_id", "-pk")
    ):
        newest.setdefault(call.ticket_id, call)
    current = sorted((_line(call) for call in newest.values()), key=lambda line: line.counter)
    recent = list(
        Call.objects.filter(location=location, pk__gt=since, ticket__day=day)
        .select_related("ticket", "counter")
        .order_by("-pk")[:last]
    )
    last_id = Call.objects.filter(location=location).order_by("-pk").values_list("pk", flat=True)
    return QueueState(
        waiting=waiting,
        current=current,
        calls=[_line(call) for call in reversed(recent)],
        last_call_id=last_id.first() or since,
        walk_in_minutes=walk_in_wait(location, now, floor),
    )


@dataclass(frozen=True)
class TicketPlace:
    number: str
    status: str
    position: int | None  # 1 = next; None when not waiting or no counter can serve it now
    ahead: int | None
    minutes: float | None
    counter: str | None  # where to go, once called


def ticket_place(ticket: Ticket, now: datetime) -> TicketPlace:
    ticket = Ticket.objects.select_related("counter", "location").get(pk=ticket.pk)
    counter = ticket.counter.name if ticket.counter and ticket.status in AT_COUNTER else None
    if ticket.status != TicketStatus.WAITING:
        return TicketPlace(ticket.number, ticket.status, None, None, None, counter)
    estimate = estimates(ticket.location, now).get(ticket.pk)
    if estimate is None or estimate.minutes is None:
        return TicketPlace(ticket.number, ticket.status, None, None, None, None)
    return TicketPlace(
        ticket.number, ticket.status, estimate.position, estimate.ahead, estimate.minutes, None
    )


@dataclass(frozen=True)
class Drift:
    service: Service
    configured: int
    measured: float
    samples: int

    @property
    def percent(self) -> float:
        return (self.measured - self.configured) * 100 / self.configured


def duration_drift(now: datetime, *, percent: int = DRIFT_PERCENT) -> list[Drift]:
    """Services whose measured median differs from the catalogue's minutes by more than
    `percent` (only those with enough samples), the largest drift first."""
    drifts = []
    for service in Service.objects.all():
        measured: Duration = duration(service, now)
        if measured.measured is None:
            continue
        drift = Drift(service, service.minutes, measured.measured, measured.samples)
        if abs(drift.percent) > percent:
            drifts.append(drift)
    return sorted(drifts, key=lambda drift: -abs(drift.percent))


def minutes_shown(minutes: float | None) -> int | None:
    """Whole five minutes, at least five: an estimate, not a promise."""
    if minutes is None:
        return None
    return max(5, 5 * math.ceil(minutes / 5))


def queue_public_view(channel: str) -> dict[str, object]:
    """What a location's live channel (`queue.<location id>`) carries with each event, read
    once per delivery for every follower: each waiting number's place, people ahead and
    wait, each number at a counter with that counter, and what the call display shows.
    Numbers and counters only, as on the display: the channel is public."""
    suffix = channel.rsplit(".", 1)[-1]
    location = Location.objects.filter(pk=int(suffix)).first() if suffix.isdigit() else None
    if location is None:
        return {}
    now = timezone.now()
    floor = floor_read(location, now)  # one read of the day for the table and the display
    tickets = sorted(
        (t for t in floor.tickets if t.status in IN_QUEUE), key=lambda t: (t.letter, t.sequence)
    )
    known = estimates(location, now, floor)
    waiting: dict[str, list[int | None]] = {}
    called: dict[str, list[str]] = {}
    for ticket in tickets:
        if ticket.status in AT_COUNTER:
            called[ticket.number] = [ticket.counter.name if ticket.counter else "", ticket.status]
            continue
        estimate = known.get(ticket.pk)
        if estimate is None or estimate.minutes is None:
            waiting[ticket.number] = [None, None, None]
        else:
            waiting[ticket.number] = [
                estimate.position,
                estimate.ahead,
                minutes_shown(estimate.minutes),
            ]
    # the displays show the event's state: no read of their own either
    display = display_payload(location, now, floor)
    return {"waiting": waiting, "called": called, "display": display}


# --- The call display ---------------------------------------------------------------------

# The last calls the display shows (it catches up from them).
LAST_CALLS = 6
# Languages of the announcement, German always first. Per location (by slug) in the setting
# RATHAUS_QUEUE_ANNOUNCE_LANGUAGES, e.g. {"rathaus": ["de", "en", "tr"]}.
DEFAULT_LANGUAGES = ("de", "en")


def announce_languages(location: Location) -> tuple[str, ...]:
    configured = getattr(settings, "RATHAUS_QUEUE_ANNOUNCE_LANGUAGES", {}) or {}
    chosen = [code for code in configured.get(location.slug, DEFAULT_LANGUAGES) if code != "de"]
    return ("de", *chosen)


def _audio_url(location: Location, line: CallLine, languages: tuple[str, ...]) -> str:
    key = announcement_key(line.number, line.counter, languages)
    return reverse("queue_display:audio", args=[location.slug, key])


def display_payload(
    location: Location, now: datetime, floor: Floor | None = None
) -> dict[str, Any]:
    """What a call display shows (`stand.json`, and with every event of the live channel)."""
    state = queue_state(location, now, last=LAST_CALLS, floor=floor)
    languages = announce_languages(location)
    minutes = state.walk_in_minutes
    return {
        "last_call_id": state.last_call_id,
        "calls": [
            {
                "id": line.id,
                "number": line.number,
                "counter": line.counter,
                "at": line.called_at.astimezone(BERLIN).isoformat(),
                "audio": _audio_url(location, line, languages),
            }
            for line in state.calls
        ],
        "current": [{"counter": line.counter, "number": line.number} for line in state.current],
        "waiting_count": state.waiting,
        "walk_in_wait_minutes": None if minutes is None else round(minutes),
    }
