"""The ticket on the phone: number, place, people ahead, an honest wait, and the counter once
called. Opened by the kiosk's code; the address carries the ticket's token (a wrong one is
404). Without JavaScript the page reloads itself; queue-ticket.js asks `stand.json`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rathaus.core.live import live_follow_url

from .constants import TicketStatus
from .models import Ticket
from .public_selectors import ticket_get
from .selectors import TicketPlace, minutes_shown, ticket_place
from .services import live_channel, ticket_token_valid

REFRESH_SECONDS = 30
POLL_SECONDS = 5
NEAR = 3  # people ahead at which the phone alerts


def _ticket(pk: int, token: str) -> Ticket:
    ticket = ticket_get(pk)
    if ticket is None or not ticket_token_valid(ticket, token[:64]):
        raise Http404
    return ticket


def place_document(place: TicketPlace) -> dict[str, object]:
    return {
        "number": place.number,
        "status": place.status,
        "position": place.position,
        "ahead": place.ahead,
        "minutes": minutes_shown(place.minutes),
        "counter": place.counter,
    }


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def page(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    ticket = _ticket(pk, token)
    place = ticket_place(ticket, timezone.now())
    document = place_document(place)
    called = place.status in (TicketStatus.CALLED, TicketStatus.SERVING)
    closed = place.status in (TicketStatus.DONE, TicketStatus.NO_SHOW)
    return _private(
        render(
            request,
            "queue/ticket/page.html",
            {
                "ticket": ticket,
                "place": document,
                "called": called,
                "closed": closed,
                "near": NEAR,
                "refresh_seconds": None if closed else REFRESH_SECONDS,
                "poll_seconds": POLL_SECONDS,
                "live_url": None if closed else live_follow_url(live_channel(ticket.location_id)),
            },
        )
    )


@never_cache
@require_GET
def state_json(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    ticket = _ticket(pk, token)
    return _private(JsonResponse(place_document(ticket_place(ticket, timezone.now()))))
