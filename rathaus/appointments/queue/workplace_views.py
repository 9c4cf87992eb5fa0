"""The clerk's workplace at /verwaltung/buergerbuero/schalter/: choose "my counter", call,
recall, start, finish, send on, pause; and the information desk, which checks people in and
draws walk-in numbers for them. Thin: every write goes through `services`, every refusal is
shown as a message, every action answers with a redirect (Post/Redirect/Get)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rathaus.accounts.access import staff_page
from rathaus.appointments.models import Counter, Location
from rathaus.appointments.staff_selectors import (
    access_citizen_office_staff,
    counter_or_404,
    counters_of,
    location_or_404,
    locations_all,
)
from rathaus.appointments.staff_views import form_errors_to_messages
from rathaus.core.redirects import see_other

from .constants import CounterMode, TicketStatus
from .models import Ticket
from .services import (
    QueueRefused,
    call_again,
    call_next,
    checkin_by_person,
    checkin_by_reference,
    counter_close,
    finish,
    flag_urgent,
    move,
    not_present,
    pause,
    queue_get,
    resume,
    start,
    ticket_issue,
    walk_in_services,
)
from .services.counters import counter_mode
from .workplace_forms import MoveForm, PersonForm, ReferenceForm, WalkInForm
from .workplace_selectors import counter_ticket, location_ticket, services_text, waiting_list

staff_required = staff_page(access_citizen_office_staff)


def _ticket_of(counter: Counter) -> Ticket:
    ticket = counter_ticket(counter)
    if ticket is None:
        raise QueueRefused(_("No ticket is called at this counter."))
    return ticket


# --- choosing a counter ----------------------------------------------------------------------


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    locations = [(location, counters_of(location)) for location in locations_all()]
    return render(request, "queue/workplace/home.html", {"locations": locations})


# --- the counter's screen --------------------------------------------------------------------


def _counter_url(counter: Counter) -> str:
    return reverse("queue_workplace:counter", args=[counter.pk])


def _move_form(counter: Counter, data: Any = None) -> MoveForm:
    others = [other for other in counters_of(counter.location) if other.pk != counter.pk]
    services = list(counter.location.services.filter(information_only=False).order_by("pk"))
    return MoveForm(data, counters=others, services=services)


@staff_required
def counter(request: HttpRequest, pk: int) -> HttpResponse:
    desk = counter_or_404(pk)
    now = timezone.now()
    ticket = counter_ticket(desk)
    mode = counter_mode(desk)
    if ticket is None:
        primary = "resume" if mode == CounterMode.PAUSED else "next"
    else:
        primary = "start" if ticket.status == TicketStatus.CALLED else "finish"
    context = {
        "counter": desk,
        "mode": mode,
        "paused": mode == CounterMode.PAUSED,
        "ticket": ticket,
        "ticket_services": services_text(ticket) if ticket else "",
        "primary": primary,
        "waiting": waiting_list(desk.location, now),
        "move_form": _move_form(desk),
        "max_calls": queue_get(desk.location).max_calls,
    }
    return render(request, "queue/workplace/counter.html", context)


def _next(request: HttpRequest, desk: Counter) -> str:
    ticket = call_next(desk)
    if ticket is None:
        return _("Nobody is waiting for this counter.")
    return _("Called %(number)s.") % {"number": ticket.number}


def _again(request: HttpRequest, desk: Counter) -> str:
    ticket = _ticket_of(desk)
    call_again(ticket)
    return _("Called %(number)s again.") % {"number": ticket.number}


def _not_present(request: HttpRequest, desk: Counter) -> str:
    ticket = not_present(_ticket_of(desk), actor=request.user)
    if ticket.status == TicketStatus.NO_SHOW:
        return _("%(number)s did not come and is closed.") % {"number": ticket.number}
    return _("%(number)s is back in the queue.") % {"number": ticket.number}


def _start(request: HttpRequest, desk: Counter) -> str:
    ticket = start(_ticket_of(desk))
    return _("Serving %(number)s.") % {"number": ticket.number}


def _finish(request: HttpRequest, desk: Counter) -> str:
    ticket = finish(_ticket_of(desk), actor=request.user)
    return _("%(number)s is done.") % {"number": ticket.number}


def _pause(request: HttpRequest, desk: Counter) -> str:
    pause(desk)
    return _("The counter is paused.")


def _resume(request: HttpRequest, desk: Counter) -> str:
    resume(desk)
    return _("The counter is open again.")


def _close(request: HttpRequest, desk: Counter) -> str:
    if counter_ticket(desk) is not None:
        raise QueueRefused(_("Please finish or send back the current ticket first."))
    counter_close(desk)
    return _("The counter is closed.")


ACTIONS: dict[str, Callable[[HttpRequest, Counter], str]] = {
    "naechste": _next,
    "erneut": _again,
    "nicht-erschienen": _not_present,
    "beginnen": _start,
    "fertig": _finish,
    "pause": _pause,
    "weiter": _resume,
    "schliessen": _close,
}


@staff_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    desk = counter_or_404(pk)
    try:
        done = handler(request, desk)
    except QueueRefused as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return see_other(_counter_url(desk))


@staff_required
@require_POST
def forward(request: HttpRequest, pk: int) -> HttpResponse:
    desk = counter_or_404(pk)
    form = _move_form(desk, request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return see_other(_counter_url(desk))
    target = form.cleaned_data["counter"]
    services = form.cleaned_data["services"] or None
    try:
        ticket = move(_ticket_of(desk), counter=target, services=services)
    except QueueRefused as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(number)s was sent on.") % {"number": ticket.number})
    return see_other(_counter_url(desk))


@staff_required
@require_POST
def urgent(request: HttpRequest, pk: int, ticket: int) -> HttpResponse:
    desk = counter_or_404(pk)
    found = location_ticket(desk.location, ticket)
    if found is None:
        raise Http404
    flag = request.POST.get("urgent") != "0"
    try:
        flag_urgent(found, flag)
    except QueueRefused as error:
        messages.error(request, str(error.message))
    else:
        text = _("%(number)s is urgent.") if flag else _("%(number)s is no longer urgent.")
        messages.success(request, text % {"number": found.number})
    return see_other(_counter_url(desk))


# --- the information desk --------------------------------------------------------------------


def _desk_url(location: Location) -> str:
    return reverse("queue_workplace:desk", args=[location.slug])


@staff_required
def desk(request: HttpRequest, location: str) -> HttpResponse:
    place = location_or_404(location)
    now = timezone.now()
    context = {
        "location": place,
        "reference_form": ReferenceForm(),
        "person_form": PersonForm(),
        "walk_in_form": WalkInForm(services=walk_in_services(queue_get(place))),
        "waiting": waiting_list(place, now),
    }
    return render(request, "queue/workplace/desk.html", context)


def _desk_write(request: HttpRequest, place: Location, form: Any, write: Callable[[], Ticket]):
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return see_other(_desk_url(place))
    try:
        ticket = write()
    except QueueRefused as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Ticket %(number)s.") % {"number": ticket.number})
    return see_other(_desk_url(place))


@staff_required
@require_POST
def desk_reference(request: HttpRequest, location: str) -> HttpResponse:
    place = location_or_404(location)
    form = ReferenceForm(request.POST)
    return _desk_write(
        request,
        place,
        form,
        lambda: checkin_by_reference(location=place, reference=form.cleaned_data["reference"]),
    )


@staff_required
@require_POST
def desk_person(request: HttpRequest, location: str) -> HttpResponse:
    place = location_or_404(location)
    form = PersonForm(request.POST)
    return _desk_write(
        request,
        place,
        form,
        lambda: checkin_by_person(
            location=place,
            family_name=form.cleaned_data["family_name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
        ),
    )


@staff_required
@require_POST
def desk_walk_in(request: HttpRequest, location: str) -> HttpResponse:
    place = location_or_404(location)
    form = WalkInForm(request.POST, services=walk_in_services(queue_get(place)))
    return _desk_write(
        request,
        place,
        form,
        lambda: ticket_issue(location=place, services=form.cleaned_data["services"]),
    )
