"""The citizen's pages: thin, every read through selectors and every write through services."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rathaus.core.carry import carry_decode
from rathaus.core.ics import ics_response
from rathaus.core.timezone import BERLIN, local_today
from rathaus.scheduling import engine

from . import selectors
from .constants import CONFIRM_HOURS, HOLD_MINUTES, MAX_PERSONS, AppointmentStatus
from .forms import (
    DetailsForm,
    HoldForm,
    NeedsForm,
    ServiceSearchForm,
    StandbyForm,
    needs_decode,
    needs_encode,
)
from .ics import appointment_ics
from .links import CONFIRM, MANAGE, appointment_links, appointment_token, appointment_token_valid
from .models import Appointment, Location, Service
from .readiness import checklist
from .selectors import FreeTime, PersonNeed, Plan, PlanInvalid
from .services.booking import (
    BookingRefused,
    appointment_confirm,
    appointment_details,
    appointment_hold,
    appointment_release_hold,
)
from .services.cancel import appointment_cancel
from .services.standby import standby_join


def _appointment(reference: str, token: str, purpose: str = MANAGE) -> Appointment:
    appointment = selectors.appointment_by_reference(reference[:20])
    if (
        appointment is None
        or appointment.erased_at
        or not appointment_token_valid(appointment, token, purpose)
    ):
        raise Http404
    return appointment


def _status_path(appointment: Appointment) -> str:
    """The status page on this site (a relative redirect: the form's origin, whatever
    SITE_URL says)."""
    return reverse(
        "appointments:status", args=[appointment.reference, appointment_token(appointment)]
    )


def _context(appointment: Appointment, **extra: object) -> dict[str, object]:
    return {
        "appointment": appointment,
        "persons": list(appointment.persons.all()),
        "checklist": checklist(appointment),
        **appointment_links(appointment),
        "rebook_url": _needs_url(appointment.location.slug, _needs_of(appointment))
        if appointment.location.online_booking
        else reverse("appointments:book"),
        "services_url": reverse("appointments:services"),
        **extra,
    }


@method_decorator(never_cache, name="dispatch")
class ConfirmView(View):
    """The e-mail's link. GET only shows a button: link scanners must not confirm."""

    def get(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        appointment = _appointment(reference, token, CONFIRM)
        return render(request, "appointments/confirm.html", _context(appointment))

    def post(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        appointment = _appointment(reference, token, CONFIRM)
        try:
            appointment = appointment_confirm(appointment=appointment)
        except BookingRefused as error:
            return render(
                request,
                "appointments/confirm.html",
                _context(appointment, error=error.message),
                status=409,
            )
        messages.success(request, _("Your appointment is confirmed."))
        return redirect(_status_path(appointment))


@method_decorator(never_cache, name="dispatch")
class StatusView(View):
    def get(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        appointment = _appointment(reference, token)
        return render(request, "appointments/status.html", _context(appointment))


@method_decorator(never_cache, name="dispatch")
class CancelView(View):
    def get(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        appointment = _appointment(reference, token)
        return render(request, "appointments/cancel.html", _context(appointment))

    def post(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        appointment = appointment_cancel(appointment=_appointment(reference, token))
        messages.success(request, _("Your appointment has been cancelled."))
        return redirect(_status_path(appointment))


@never_cache
def ics_download(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    appointment = _appointment(reference, token)
    return ics_response(
        request,
        appointment_ics(appointment),
        last_modified=appointment.updated_at,
        filename=f"{appointment.reference}.ics",
    )


# --- the catalogue: start page, Dienstleistungen A–Z, one page per service -------------

DETAILS = "details"  # the token purpose of the details page of a held time
STANDBY_REFERENCE_RE = re.compile(r"SB-[A-Z0-9]{6}")
REFERENCE_RE = re.compile(r"BB-[A-Z0-9]{6}")
CARRY_TARGETS = {
    # kind of carried data -> (location, service) booked with it
    "wohngeld-precheck": ("wohngeldstelle", "wohngeld-beratung"),
    "wedding": ("standesamt", "eheschliessung-anmeldung"),
}
STATUS_CACHE_SECONDS = 60


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "appointments/start.html", {"locations": _bookable_locations()})


def service_list(request: HttpRequest) -> HttpResponse:
    form = ServiceSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    found = selectors.services_search(query) if query else selectors.services_public()
    return render(
        request,
        "appointments/service_list.html",
        {"form": form, "query": query, "services": found},
    )


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_get(slug)
    if service is None:
        raise Http404
    locations = selectors.service_locations(service)
    bookable = service.online and not service.information_only
    return render(
        request,
        "appointments/service_detail.html",
        {
            "service": service,
            "fees": selectors.fees_current(service, local_today()),
            "locations": [
                (
                    location,
                    _needs_url(location.slug, f"{service.slug}:1")
                    if bookable and location.online_booking
                    else "",
                )
                for location in locations
            ],
            "bookable": bookable,
        },
    )


# --- booking: location, who comes with what, free times, hold, details, e-mail -------------


def _bookable_locations() -> list[Location]:
    return [location for location in selectors.locations_public() if location.online_booking]


def _location(slug: str) -> Location:
    location = selectors.location_get(slug)
    if location is None or not location.online_booking:
        raise Http404
    return location


def _query(**values: str) -> str:
    kept = {key: value for key, value in values.items() if value}
    return f"?{urlencode(kept)}" if kept else ""


def _needs_url(location: str, needs: str = "", carry: str = "", goal: str = "") -> str:
    return reverse("appointments:book-needs", args=[location]) + _query(
        needs=needs, carry=carry, ziel=goal
    )


def _times_url(location: str, needs: str, carry: str = "", week: str = "") -> str:
    return reverse("appointments:book-times", args=[location]) + _query(
        needs=needs, carry=carry, woche=week
    )


def book_start(request: HttpRequest) -> HttpResponse:
    """Choose the location; a carried-over hand-over goes straight to its service."""
    carry = request.GET.get("carry", "")
    carried = carry_decode(carry)
    if carried and carried["kind"] in CARRY_TARGETS:
        target, offered_slug = CARRY_TARGETS[carried["kind"]]
        return redirect(_needs_url(target, f"{offered_slug}:1", carry))
    service = selectors.service_get(request.GET.get("dienst", ""))
    locations = _bookable_locations()
    if service is not None:
        offered = {location.pk for location in selectors.service_locations(service)}
        locations = [location for location in locations if location.pk in offered]
    goal = "warteliste" if request.GET.get("ziel") == "warteliste" else ""
    return render(
        request,
        "appointments/book_location.html",
        {
            "service": service,
            "choices": [
                (
                    location,
                    _needs_url(location.slug, f"{service.slug}:1" if service else "", goal=goal),
                )
                for location in locations
            ],
            "goal": goal,
        },
    )


def _last(request: HttpRequest, name: str) -> str:
    values = request.GET.getlist(name)
    return values[-1] if values else ""


def _persons_count(value: str, default: int = 1) -> int:
    return max(1, min(int(value), MAX_PERSONS)) if value.isdigit() else default


def book_needs(request: HttpRequest, location: str) -> HttpResponse:
    """Who comes and what each person needs. A GET form: "add a person" and "remove the
    last person" re-render it with every choice kept; "show free times" checks it."""
    place = _location(location)
    services = selectors.services_bookable_at(place)
    carry = request.GET.get("carry", "")
    goal = "warteliste" if request.GET.get("ziel") == "warteliste" else ""
    status = 200
    if request.GET.get("weiter"):
        persons = _persons_count(_last(request, "personen"))
        form = NeedsForm(request.GET, location=place, services=services, persons=persons)
        if form.is_valid():
            needs = needs_encode(form.needs())
            if goal:
                return redirect(_standby_url(place.slug, needs))
            return redirect(_times_url(place.slug, needs, carry))
        status = 422
    elif "personen" in request.GET:
        persons = _persons_count(_last(request, "personen"))
        initial = {
            key: (True if value == "on" else value)
            for key, value in request.GET.items()
            if key.startswith("p") and "-" in key
        }
        form = NeedsForm(initial=initial, location=place, services=services, persons=persons)
    else:
        try:
            needs_list = needs_decode(request.GET.get("needs"))
        except ValueError:
            needs_list = []
        form = NeedsForm(
            initial=NeedsForm.initial_from(needs_list),
            location=place,
            services=services,
            persons=len(needs_list) or 1,
        )
    return render(
        request,
        "appointments/book_needs.html",
        {
            "location": place,
            "form": form,
            "carry": carry,
            "goal": goal,
            "max_persons": MAX_PERSONS,
            "locations_url": reverse("appointments:book"),
        },
        status=status,
    )


def _plan_from(location: Location, text: str) -> tuple[Plan, str] | None:
    try:
        needs = needs_decode(text)
        return selectors.plan_make(location, needs), needs_encode(needs)
    except (ValueError, PlanInvalid):
        return None


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _week(value: str) -> date | None:
    try:
        return _week_start(date.fromisoformat(value))
    except ValueError:
        return None


def _times_response(
    request: HttpRequest,
    location: Location,
    plan: Plan,
    needs: str,
    carry: str,
    *,
    week: date | None = None,
    form: HoldForm | None = None,
    error: object = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    first, last = selectors.booking_range(location, now)
    times = selectors.free_times(plan, first, last, now=now)
    if week is None:
        week = _week_start(times[0].start.astimezone(BERLIN).date() if times else first)
    week = max(_week_start(first), min(week, _week_start(last)))
    week_end = week + timedelta(days=7)
    days: dict[date, list[FreeTime]] = {}
    later_time = None
    for free in times:
        day = free.start.astimezone(BERLIN).date()
        if week <= day < week_end:
            days.setdefault(day, []).append(free)
        elif day >= week_end and later_time is None:
            later_time = free
    earlier = week > _week_start(first)
    previous_url = _times_url(location.slug, needs, carry, (week - timedelta(days=7)).isoformat())
    next_url = _times_url(location.slug, needs, carry, week_end.isoformat())
    return render(
        request,
        "appointments/book_times.html",
        {
            "location": location,
            "plan": plan,
            "needs": needs,
            "carry": carry,
            "week": week,
            "week_last": week_end - timedelta(days=1),
            "days": sorted(days.items()),
            "any_free": bool(times),
            "later_time": later_time,
            "later_url": _times_url(
                location.slug,
                needs,
                carry,
                _week_start(later_time.start.astimezone(BERLIN).date()).isoformat(),
            )
            if later_time
            else "",
            "previous_url": previous_url if earlier else "",
            "next_url": next_url if week_end <= last else "",
            "horizon_days": location.horizon_days,
            "hold_minutes": HOLD_MINUTES,
            "form": form or HoldForm(),
            "error": error,
            "needs_url": _needs_url(location.slug, needs, carry),
            "standby_url": _standby_url(location.slug, needs),
            "persons": _plan_persons(plan),
        },
        status=status,
    )


def _plan_persons(plan: Plan) -> list[list[tuple[Service, int]]]:
    return [list(person) for person in plan.persons]


def book_times(request: HttpRequest, location: str) -> HttpResponse:
    """The free times for the persons and services, one week at a time, grouped by day."""
    place = _location(location)
    found = _plan_from(place, request.GET.get("needs", ""))
    if found is None:
        return redirect(_needs_url(place.slug, request.GET.get("needs", "")[:500]))
    plan, needs = found
    return _times_response(
        request,
        place,
        plan,
        needs,
        request.GET.get("carry", ""),
        week=_week(request.GET.get("woche", "")),
    )


@require_POST
def book_hold(request: HttpRequest, location: str) -> HttpResponse:
    """Choosing a time holds it for HOLD_MINUTES before any personal data is typed."""
    place = _location(location)
    found = _plan_from(place, request.POST.get("needs", ""))
    if found is None:
        return redirect(_needs_url(place.slug))
    plan, needs = found
    carry = request.POST.get("carry", "")
    try:
        start_at = engine.from_epoch(int(request.POST.get("start", "")))
    except (ValueError, OverflowError, OSError):
        start_at = None
    week = _week_start(start_at.astimezone(BERLIN).date()) if start_at else None
    form = HoldForm(request.POST)
    form.is_valid()
    if start_at is None:
        return _times_response(
            request, place, plan, needs, carry, form=form, status=422,
            error=_("Please choose one of the times."),
        )  # fmt: skip
    if not form.protect(request, scope="appointments.hold"):
        return form.protection_response(
            _times_response(
                request, place, plan, needs, carry, week=week, form=form,
                status=form.protection_status or 422,
            )
        )  # fmt: skip
    try:
        appointment = appointment_hold(plan=plan, start=start_at, language=get_language() or "de")
    except BookingRefused as refusal:
        return _times_response(
            request, place, plan, needs, carry, week=week, form=HoldForm(),
            error=refusal.message, status=409 if refusal.conflict else 422,
        )  # fmt: skip
    url = reverse(
        "appointments:book-details",
        args=[appointment.reference, appointment_token(appointment, DETAILS)],
    )
    return redirect(url + _query(carry=carry))


def _needs_of(appointment: Appointment) -> str:
    return needs_encode(
        [
            PersonNeed(
                tuple((request.service.slug, request.count) for request in person.requests.all())
            )
            for person in appointment.persons.all()
        ]
    )


def _person_labels(appointment: Appointment) -> list[str]:
    labels = []
    for number, person in enumerate(appointment.persons.all(), start=1):
        services = ", ".join(
            request.service.name
            if request.count == 1
            else f"{request.service.name} × {request.count}"
            for request in person.requests.all()
        )
        labels.append(
            _("Person %(number)d: %(services)s") % {"number": number, "services": services}
        )
    return labels


def _carried(request: HttpRequest, location: Location) -> dict[str, Any] | None:
    """Carried-over data for this location's kind of hand-over, if any and genuine."""
    token = request.GET.get("carry") or request.POST.get("carry") or ""
    carried = carry_decode(token)
    if carried and CARRY_TARGETS.get(carried["kind"], ("",))[0] == location.slug:
        return carried
    return None


def _carried_items(carried: dict[str, Any] | None) -> list[tuple[str, str]]:
    if not carried:
        return []
    labels = {
        "reference": _("Reference of the wedding reservation"),
        "eligible": _("Housing benefit likely"),
        "amount": _("Estimated housing benefit (EUR per month)"),
    }
    items = []
    for key, value in carried.items():
        if key == "kind":
            continue
        shown = (_("yes") if value else _("no")) if isinstance(value, bool) else str(value)
        items.append((str(labels.get(key, key)), shown[:200]))
    return items


def _held(reference: str, token: str) -> Appointment:
    return _appointment(reference, token, DETAILS)


def _hold_over(appointment: Appointment) -> bool:
    booking = appointment.booking
    expires = booking.expires_at if booking is not None else None
    return appointment.status != AppointmentStatus.HELD or (
        expires is not None and expires <= timezone.now()
    )


@method_decorator(never_cache, name="dispatch")
class DetailsView(View):
    """The held time and who comes: names, dates of birth, e-mail, language (and consent to
    keep carried-over data). Sends the confirmation e-mail."""

    def get(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        appointment = _held(reference, token)
        if appointment.status == AppointmentStatus.PENDING:
            return redirect("appointments:book-sent", appointment.reference)
        carried = _carried(request, appointment.location)
        form = self._form(appointment, None, carried)
        return self._render(appointment, form, carried)

    def post(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        appointment = _held(reference, token)
        if appointment.status == AppointmentStatus.PENDING:
            return redirect("appointments:book-sent", appointment.reference)
        carried = _carried(request, appointment.location)
        form = self._form(appointment, request.POST, carried)
        if _hold_over(appointment):
            return self._render(appointment, form, carried, status=409)
        if not form.is_valid():
            return self._render(appointment, form, carried, status=422)
        data = form.cleaned_data
        if not form.protect(request, scope="appointments.details", email=data["email"]):
            return form.protection_response(
                self._render(appointment, form, carried, status=form.protection_status or 422)
            )
        try:
            appointment_details(
                appointment=appointment,
                persons=form.person_details(),
                email=data["email"],
                language=data["language"],
                carried_over=carried if carried and data.get("consent") else None,
            )
        except BookingRefused as refusal:
            form.add_error(None, str(refusal.message))
            return self._render(appointment, form, carried, status=409 if refusal.conflict else 422)
        return redirect("appointments:book-sent", appointment.reference)

    def _form(
        self, appointment: Appointment, data: Any, carried: dict[str, Any] | None
    ) -> DetailsForm:
        return DetailsForm(
            data,
            initial={"language": (get_language() or "de")[:2]},
            persons=len(appointment.persons.all()),
            labels=_person_labels(appointment),
            carried=carried is not None,
        )

    def _render(
        self,
        appointment: Appointment,
        form: DetailsForm,
        carried: dict[str, Any] | None,
        status: int = 200,
    ) -> HttpResponse:
        token = appointment_token(appointment, DETAILS)
        needs = _needs_of(appointment)
        carry = self.request.GET.get("carry") or self.request.POST.get("carry") or ""
        booking = appointment.booking
        return render(
            self.request,
            "appointments/book_details.html",
            {
                "appointment": appointment,
                "form": form,
                "carry": carry if carried else "",
                "carried_items": _carried_items(carried),
                "carried_kind": carried["kind"] if carried else "",
                "held_until": booking.expires_at if booking is not None else None,
                "hold_over": _hold_over(appointment),
                "hold_minutes": HOLD_MINUTES,
                "release_url": reverse(
                    "appointments:book-release", args=[appointment.reference, token]
                ),
                "times_url": _times_url(appointment.location.slug, needs, carry),
                "persons_count": len(appointment.persons.all()),
            },
            status=status,
        )


def book_release(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    """The "choose another time" button: the held time goes back at once (POST only; a
    wrong token is 404 for every method)."""
    appointment = _held(reference, token)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    appointment_release_hold(appointment=appointment)
    week = _week_start(appointment.start.astimezone(BERLIN).date()).isoformat()
    return redirect(
        _times_url(
            appointment.location.slug, _needs_of(appointment), request.POST.get("carry", ""), week
        )
    )


def book_sent(request: HttpRequest, reference: str) -> HttpResponse:
    """The "check your e-mail" page. Shows nothing but the reference from the address."""
    if not REFERENCE_RE.fullmatch(reference):
        raise Http404
    return render(
        request,
        "appointments/book_sent.html",
        {"reference": reference, "confirm_hours": CONFIRM_HOURS},
    )


# --- the standby list ---------------------------------------------------------------------


def _standby_url(location: str, needs: str) -> str:
    return reverse("appointments:standby-join", args=[location]) + _query(needs=needs)


def standby_start(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "appointments/standby_start.html",
        {
            "choices": [
                (location, _needs_url(location.slug, goal="warteliste"))
                for location in _bookable_locations()
            ]
        },
    )


@method_decorator(never_cache, name="dispatch")
class StandbyJoinView(View):
    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.location = _location(kwargs["location"])
        needs = request.POST.get("needs") or request.GET.get("needs") or ""
        self.found = _plan_from(self.location, needs)

    def get(self, request: HttpRequest, location: str) -> HttpResponse:
        if self.found is None:
            return redirect(_needs_url(self.location.slug, goal="warteliste"))
        today = local_today()
        form = self._form(
            None,
            initial={
                "language": (get_language() or "de")[:2],
                "earliest": today + timedelta(days=1),
                "latest": today + timedelta(days=self.location.horizon_days),
            },
        )
        return self._render(form)

    def post(self, request: HttpRequest, location: str) -> HttpResponse:
        if self.found is None:
            return redirect(_needs_url(self.location.slug, goal="warteliste"))
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(form, status=422)
        data = form.cleaned_data
        if data["earliest"] < local_today():
            form.add_error("earliest", _("The period must not start in the past."))
            return self._render(form, status=422)
        if not form.protect(request, scope="appointments.standby", email=data["email"]):
            return form.protection_response(
                self._render(form, status=form.protection_status or 422)
            )
        _plan, needs = self.found
        try:
            entry = standby_join(
                location_slug=self.location.slug,
                needs=needs_decode(needs),
                persons=form.person_details(),
                email=data["email"],
                earliest=data["earliest"],
                latest=data["latest"],
                language=data["language"],
            )
        except BookingRefused as refusal:
            form.add_error(None, str(refusal.message))
            return self._render(form, status=422)
        return redirect("appointments:standby-sent", entry.reference)

    def _form(self, data: Any, initial: dict[str, Any] | None = None) -> StandbyForm:
        plan = self.found[0] if self.found else None
        labels = [
            _("Person %(number)d: %(services)s")
            % {
                "number": number,
                "services": ", ".join(
                    service.name if count == 1 else f"{service.name} × {count}"
                    for service, count in person
                ),
            }
            for number, person in enumerate(plan.persons if plan else (), start=1)
        ]
        return StandbyForm(data, initial=initial, persons=len(labels), labels=labels)

    def _render(self, form: StandbyForm, status: int = 200) -> HttpResponse:
        assert self.found is not None
        plan, needs = self.found
        return render(
            self.request,
            "appointments/standby_join.html",
            {
                "location": self.location,
                "form": form,
                "needs": needs,
                "plan": plan,
                "needs_url": _needs_url(self.location.slug, needs, goal="warteliste"),
            },
            status=status,
        )


def standby_sent(request: HttpRequest, reference: str) -> HttpResponse:
    if not STANDBY_REFERENCE_RE.fullmatch(reference):
        raise Http404
    return render(request, "appointments/standby_sent.html", {"reference": reference})


# --- the public status page (issue item 7) ------------------------------------------------


def _public_status() -> tuple[datetime, list[selectors.LocationStatus]]:
    """Computed at most once a minute (per process and cache)."""
    now = timezone.now()
    key = f"appointments.public-status.{int(now.timestamp()) // STATUS_CACHE_SECONDS}"
    found: tuple[datetime, list[selectors.LocationStatus]] | None = cache.get(key)
    if found is None:
        found = (now, selectors.public_status(now))
        cache.set(key, found, STATUS_CACHE_SECONDS)
    return found


def public_status(request: HttpRequest) -> HttpResponse:
    now, locations = _public_status()
    response = render(
        request,
        "appointments/public_status.html",
        {"generated_at": now, "locations": locations},
    )
    patch_cache_control(response, public=True, max_age=STATUS_CACHE_SECONDS)
    return response


def public_status_json(request: HttpRequest) -> JsonResponse:
    now, locations = _public_status()
    response = JsonResponse(
        {
            "generated_at": now.isoformat(),
            "locations": [
                {
                    "slug": entry.location.slug,
                    "name": entry.location.name,
                    "address": entry.location.address,
                    "horizon_days": entry.horizon_days,
                    "services": [
                        {
                            "slug": item.service.slug,
                            "name": item.service.name,
                            "next_free": item.start.isoformat() if item.start else None,
                        }
                        for item in entry.services
                    ],
                    "same_day": {
                        "kept": entry.same_day.kept,
                        "released": entry.same_day.released,
                        "free_minutes_today": entry.same_day.free_minutes,
                        "next_release": entry.same_day.release_at.isoformat()
                        if entry.same_day.release_at
                        else None,
                    },
                }
                for entry in locations
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    patch_cache_control(response, public=True, max_age=STATUS_CACHE_SECONDS)
    return response
