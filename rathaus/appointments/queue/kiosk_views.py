"""The kiosk at the entrance: check-in with an appointment (reference, scanned code, or family
name and date of birth) and a number without one, on a tablet a citizen-office administrator
set up. The device carries a signed cookie naming its location; without it every kiosk page
answers 403. Thin: the check-in rules are the services' (`QueueRefused` says why not).

No bot protection of public forms here: every check-in of an entrance comes from the office's
one address, so the per-address limits of `rathaus.core.guards` would turn people away at the
morning rush; the device cookie is the gate."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rathaus.accounts.access import staff_page
from rathaus.appointments.constants import LocationKind
from rathaus.appointments.models import Location
from rathaus.appointments.selectors import appointment_by_reference, location_get
from rathaus.appointments.staff_selectors import access_citizen_office_staff, locations_all
from rathaus.core.redirects import see_other

from .kiosk_forms import PersonForm, ReferenceForm, WalkInForm
from .models import Ticket
from .public_selectors import ticket_get
from .services import (
    QueueRefused,
    checkin_by_person,
    checkin_by_reference,
    kiosks_revoke,
    queue_get,
    ticket_issue,
    ticket_token,
    ticket_token_valid,
    walk_in_services,
)

COOKIE = "rathaus_kiosk"
SALT = "rathaus.appointments.queue.kiosk"
MAX_AGE = 365 * 24 * 3600
COOKIE_PATH = "/buergerbuero/empfang/"
# The next person's start page after this long without a touch (queue-kiosk.js; not a meta
# refresh, which nobody could stop: WCAG 2.2.1). Without JavaScript the "Done" button does it.
RETURN_SECONDS = 60
# The camera for scanning the e-mail's code, on the check-in page of a set-up kiosk only.
CAMERA_POLICY = (
    "accelerometer=(), camera=(self), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


def kiosk_generation(location: Location) -> int:
    """A kiosk set up under an older value is signed out (a lost tablet: `kiosks_revoke`)."""
    return int(queue_get(location).kiosk_generation)


def _device_location(request: HttpRequest, slug: str) -> Location | None:
    """The location this device was set up for, if it is `slug` and still valid."""
    try:
        value = signing.loads(request.COOKIES.get(COOKIE, ""), salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("location") != slug:
        return None
    location = location_get(slug[:40])
    if location is None or value.get("generation") != kiosk_generation(location):
        return None
    return location


def _refused(request: HttpRequest) -> HttpResponse:
    return render(request, "queue/kiosk/not_set_up.html", status=403)


def kiosk_page(view):
    """The device gate of every kiosk page: the location of its cookie, else 403."""

    def wrapped(request: HttpRequest, location: str, *args: Any, **kwargs: Any) -> HttpResponse:
        found = _device_location(request, location)
        if found is None:
            return _refused(request)
        response = view(request, found, *args, **kwargs)
        response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return never_cache(wrapped)


# --- setting a device up (citizen-office administration) ----------------------------------


@staff_page(access_citizen_office_staff)
@require_http_methods(["GET", "POST"])
def device_setup(request: HttpRequest) -> HttpResponse:
    locations = [
        location for location in locations_all() if location.kind == LocationKind.CITIZEN_OFFICE
    ]
    if request.method == "POST":
        if "remove" in request.POST:
            response = render(
                request, "queue/kiosk/setup.html", {"locations": locations, "removed": True}
            )
            response.delete_cookie(COOKIE, path=COOKIE_PATH)
            return response
        chosen = next((o for o in locations if o.slug == request.POST.get("location")), None)
        if chosen is None:
            raise Http404
        if "revoke" in request.POST:
            kiosks_revoke(chosen.pk)
            return render(
                request, "queue/kiosk/setup.html", {"locations": locations, "revoked": chosen}
            )
        value = signing.dumps(
            {"location": chosen.slug, "generation": kiosk_generation(chosen)}, salt=SALT
        )
        response = see_other(reverse("queue_kiosk:start", args=[chosen.slug]))
        response.set_cookie(
            COOKIE,
            value,
            max_age=MAX_AGE,
            path=COOKIE_PATH,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
    return render(request, "queue/kiosk/setup.html", {"locations": locations})


# --- the citizen's pages --------------------------------------------------------------------


@kiosk_page
def start(request: HttpRequest, location: Location) -> HttpResponse:
    if "neu" in request.GET:  # back from a ticket: the next person starts in German
        response = see_other(reverse("queue_kiosk:start", args=[location.slug]))
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE, samesite="Lax")
        return response
    return render(request, "queue/kiosk/start.html", {"location": location})


def _ticket_path(location: Location, ticket: Ticket) -> str:
    return reverse("queue_kiosk:issued", args=[location.slug, ticket.pk, ticket_token(ticket)])


def _candidates_checkin(location: Location, candidates: list[str]) -> Ticket:
    """Check in the first candidate that names an appointment (a scanner's layout may have
    swapped letters); the services decide the rest."""
    known = [ref for ref in candidates if appointment_by_reference(ref) is not None]
    return checkin_by_reference(
        location=location, reference=(known or candidates)[0], now=timezone.now()
    )


@kiosk_page
@require_http_methods(["GET", "POST"])
def appointment(request: HttpRequest, location: Location) -> HttpResponse:
    by_reference, by_person = ReferenceForm(prefix="ref"), PersonForm(prefix="person")
    error, status = None, 200
    if request.method == "POST":
        try:
            if request.POST.get("how") == "person":
                by_person = PersonForm(request.POST, prefix="person")
                if by_person.is_valid():
                    ticket = checkin_by_person(
                        location=location,
                        family_name=by_person.cleaned_data["family_name"],
                        date_of_birth=by_person.cleaned_data["date_of_birth"],
                        now=timezone.now(),
                    )
                    return see_other(_ticket_path(location, ticket))
            else:
                by_reference = ReferenceForm(request.POST, prefix="ref")
                if by_reference.is_valid():
                    ticket = _candidates_checkin(location, by_reference.cleaned_data["reference"])
                    return see_other(_ticket_path(location, ticket))
            status = 400
        except QueueRefused as refusal:
            error, status = refusal.message, 409
    if error or by_reference.errors or by_person.errors:  # the error summary takes the focus
        by_reference.fields["reference"].widget.attrs.pop("autofocus", None)
    response = render(
        request,
        "queue/kiosk/appointment.html",
        {
            "location": location,
            "by_reference": by_reference,
            "by_person": by_person,
            "error": error,
            "how": request.POST.get("how", "reference"),
        },
        status=status,
    )
    response["Permissions-Policy"] = CAMERA_POLICY
    return response


@kiosk_page
@require_http_methods(["GET", "POST"])
def walk_in(request: HttpRequest, location: Location) -> HttpResponse:
    services = walk_in_services(queue_get(location))
    form = WalkInForm(request.POST or None, services=services)
    error, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ticket = ticket_issue(
                    location=location,
                    services=form.cleaned_data["services"],
                    now=timezone.now(),
                )
            except QueueRefused as refusal:
                error, status = refusal.message, 409
            else:
                return see_other(_ticket_path(location, ticket))
        else:
            status = 400
    return render(
        request,
        "queue/kiosk/walk_in.html",
        {"location": location, "form": form, "error": error},
        status=status,
    )


@kiosk_page
def issued(request: HttpRequest, location: Location, pk: int, token: str) -> HttpResponse:
    """The number, to sit down, and the code of the phone page; prints as a receipt."""
    ticket = ticket_get(pk, location=location)
    if ticket is None or not ticket_token_valid(ticket, token):
        raise Http404
    phone_url = settings.SITE_URL + reverse("queue_ticket:page", args=[ticket.pk, token])
    qr = segno.make(phone_url, error="m").svg_inline(
        scale=5, title=_("Code of your ticket page on the phone")
    )
    return render(
        request,
        "queue/kiosk/issued.html",
        {
            "location": location,
            "ticket": ticket,
            "phone_url": phone_url,
            "qr": qr,
            "return_seconds": RETURN_SECONDS,
            "return_url": reverse("queue_kiosk:start", args=[location.slug]) + "?neu=1",
        },
    )
