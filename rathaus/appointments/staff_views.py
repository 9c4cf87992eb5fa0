"""The Bürgerbüro's back office at /verwaltung/buergerbuero/: the day plan and its actions,
bookings for callers and walk-ins, hours, closures, rosters and the catalogue. Thin: reads
from `staff_selectors`, writes through `services`; every refusal is shown as a message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.accounts.access import staff_page
from rathaus.core.redirects import see_other
from rathaus.core.timezone import BERLIN, local_today
from rathaus.scheduling.exceptions import SchedulingError

from .constants import AppointmentStatus, Channel
from .selectors import PersonNeed, PlanInvalid, free_times, plan_make
from .services.booking import BookingRefused, PersonDetails
from .services.catalogue import (
    CatalogueRefused,
    FeeData,
    Hours,
    NewService,
    closure_remove,
    counter_closure_add,
    counter_create,
    counter_services_set,
    extra_opening_add,
    extra_opening_remove,
    fee_add,
    fee_remove,
    hours_add,
    hours_delete,
    hours_update,
    location_closure_add,
    location_update,
    service_create,
    service_update,
)
from .services.move import appointment_move, appointment_plan
from .services.staff import (
    appointment_book_by_staff,
    appointment_cancel_by_staff,
    appointment_finish,
)
from .staff_forms import (
    BookDetailsForm,
    CancelForm,
    ClosureForm,
    CounterServicesForm,
    DayForm,
    ExtraOpeningForm,
    FeeForm,
    HoursForm,
    LocationForm,
    NeedsForm,
    NewCounterForm,
    NewServiceForm,
    ServiceForm,
    StartForm,
)
from .staff_selectors import (
    access_citizen_office_staff,
    appointment_history,
    appointment_or_404,
    closure_or_404,
    closures_of,
    counter_or_404,
    counters_of,
    counters_queryset,
    day_plan,
    fee_or_404,
    fees_of,
    history_of,
    hours_of,
    hours_rule_or_404,
    location_or_404,
    locations_all,
    opening_or_404,
    openings_of,
    service_or_404,
    services_all,
    staffing_of_day,
)

staff_required = staff_page(access_citizen_office_staff)


def _back_url(request: HttpRequest, fallback: str) -> str:
    """The page the action came from (a local path only), else `fallback`."""
    target = request.POST.get("next", "")
    if target.startswith("/verwaltung/buergerbuero/") and "//" not in target:
        return target
    return fallback


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    return see_other(_back_url(request, fallback))


def form_errors_to_messages(request: HttpRequest, form: Any) -> None:
    """A form's errors as messages on the page the action redirects to (label: error)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _refused(request: HttpRequest, error: Exception) -> None:
    messages.error(request, str(getattr(error, "message", None) or error))


# What a write of the back office may refuse with a sentence for the clerk.
REFUSALS = (BookingRefused, CatalogueRefused, SchedulingError)


def _act(
    request: HttpRequest, write: Callable[[], object], *, done: Any, back: str
) -> HttpResponseRedirect:
    """Run a write; its refusal or `done` as a message, then back to `back` (303)."""
    try:
        write()
    except REFUSALS as error:
        _refused(request, error)
    else:
        messages.success(request, done)
    return see_other(back)


def _form_act(
    request: HttpRequest,
    form: Any,
    write: Callable[[dict[str, Any]], object],
    *,
    done: Any,
    back: str,
) -> HttpResponseRedirect:
    """A posted form: its errors as messages, or the write with its cleaned data (`_act`)."""
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return see_other(back)
    return _act(request, lambda: write(form.cleaned_data), done=done, back=back)


def _day_url(location_slug: str, day: date, counter: int | None = None) -> str:
    query = {"ort": location_slug, "tag": day.isoformat()}
    if counter:
        query["schalter"] = str(counter)
    return f"{reverse('appointments_staff:day')}?{urlencode(query)}"


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("appointments_staff:day")


# --- the day plan and the actions on an appointment -----------------------------------


@staff_required
def day(request: HttpRequest) -> HttpResponse:
    locations = locations_all()
    if not locations:
        return render(request, "appointments/staff/day.html", {"plan": None})
    slug = request.GET.get("ort") or locations[0].slug
    location = next((loc for loc in locations if loc.slug == slug), None) or locations[0]
    form = DayForm(request.GET if "tag" in request.GET else None)
    shown = form.cleaned_data["tag"] if form.is_bound and form.is_valid() else local_today()
    counters = counters_of(location)
    wanted = request.GET.get("schalter", "")
    counter = next((c for c in counters if str(c.pk) == wanted), None)
    plan = day_plan(location, shown, counter)
    context = {
        "plan": plan,
        "locations": locations,
        "form": DayForm(initial={"tag": shown}),
        "previous_url": _day_url(location.slug, shown - timedelta(days=1), counter and counter.pk),
        "next_url": _day_url(location.slug, shown + timedelta(days=1), counter and counter.pk),
        "today_url": _day_url(location.slug, local_today(), counter and counter.pk),
        "now": timezone.now(),
        "here": request.get_full_path(),
        "statuses": AppointmentStatus,
        "staffing": staffing_of_day(location, shown, [counter] if counter else counters),
    }
    return render(request, "appointments/staff/day.html", context)


@staff_required
def appointment(request: HttpRequest, reference: str) -> HttpResponse:
    found = appointment_or_404(reference)
    context = {
        "appointment": found,
        "cancel_form": CancelForm(),
        "history": appointment_history(found),
        "now": timezone.now(),
        "day_url": _day_url(found.location.slug, found.start.astimezone(BERLIN).date()),
    }
    return render(request, "appointments/staff/appointment.html", context)


def _finish(request: HttpRequest, reference: str, outcome: str, text: str) -> HttpResponse:
    found = appointment_or_404(reference)
    try:
        appointment_finish(appointment=found, outcome=outcome, actor=request.user)
    except BookingRefused as error:
        _refused(request, error)
    else:
        messages.success(request, text % {"reference": found.reference})
    return _back(request, reverse("appointments_staff:appointment", args=[found.reference]))


@staff_required
@require_POST
def mark_done(request: HttpRequest, reference: str) -> HttpResponse:
    return _finish(request, reference, AppointmentStatus.DONE, _("%(reference)s is done."))


@staff_required
@require_POST
def mark_no_show(request: HttpRequest, reference: str) -> HttpResponse:
    return _finish(
        request, reference, AppointmentStatus.NO_SHOW, _("%(reference)s: marked as not come.")
    )


@staff_required
@require_POST
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    found = appointment_or_404(reference)
    return _form_act(
        request,
        CancelForm(request.POST),
        lambda data: appointment_cancel_by_staff(
            appointment=found, reason=data["reason"], actor=request.user
        ),
        done=_("%(reference)s is cancelled.") % {"reference": found.reference},
        back=reverse("appointments_staff:appointment", args=[found.reference]),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, reference: str) -> HttpResponse:
    found = appointment_or_404(reference)
    now = timezone.now()
    day_form = DayForm(request.GET if "tag" in request.GET else None)
    shown = (
        day_form.cleaned_data["tag"]
        if day_form.is_bound and day_form.is_valid()
        else max(found.start.astimezone(BERLIN).date(), local_today())
    )
    try:
        times = free_times(appointment_plan(found), shown, shown, now=now)
    except PlanInvalid as error:
        _refused(request, error)
        times = []
    form = StartForm(request.POST or None, times=times)
    if request.method == "POST" and found.is_active:
        if form.is_valid():
            try:
                moved = appointment_move(
                    appointment=found, start=form.cleaned_data["start"], actor=request.user
                )
            except BookingRefused as error:
                _refused(request, error)
            else:
                messages.success(
                    request,
                    _("%(reference)s is moved to %(start)s; the citizen has been told.")
                    % {
                        "reference": moved.reference,
                        "start": f"{moved.start.astimezone(BERLIN):%d.%m.%Y %H:%M}",
                    },
                )
                return see_other(reverse("appointments_staff:appointment", args=[moved.reference]))
        else:
            form_errors_to_messages(request, form)
    context = {
        "appointment": found,
        "day_form": DayForm(initial={"tag": shown}),
        "form": form,
        "times": times,
        "shown": shown,
        "previous_day": shown - timedelta(days=1),
        "next_day": shown + timedelta(days=1),
    }
    return render(request, "appointments/staff/move.html", context)


# --- booking for a caller or a walk-in ------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    locations = locations_all()
    services = [s for s in services_all() if not s.information_only]
    needs_form = NeedsForm(
        request.GET if "ort" in request.GET else None,
        locations=locations,
        services=services,
        initial={"tag": local_today()},
    )
    details = times = plan = None
    if needs_form.is_bound and needs_form.is_valid():
        data = needs_form.cleaned_data
        walk_in = data["kanal"] == Channel.WALK_IN
        try:
            plan = plan_make(
                data["ort"],
                [PersonNeed(tuple(chosen)) for chosen in needs_form.person_services()],
                online=False,
            )
        except PlanInvalid as error:
            needs_form.add_error(None, error.message)
        else:
            times = free_times(plan, data["tag"], data["tag"], with_kept=walk_in)
            details = BookDetailsForm(
                request.POST if request.method == "POST" else None,
                times=times,
                persons=len(plan.persons),
            )
            if request.method == "POST" and details.is_valid():
                clean = details.cleaned_data
                persons = [
                    PersonDetails(clean[f"given_{i}"], clean[f"family_{i}"], clean[f"born_{i}"])
                    for i in range(1, details.persons + 1)
                ]
                try:
                    booked = appointment_book_by_staff(
                        location=plan.location,
                        needs=[
                            PersonNeed(tuple((s.slug, c) for s, c in person))
                            for person in plan.persons
                        ],
                        start=clean["start"],
                        persons=persons,
                        channel=data["kanal"],
                        actor=request.user,
                        phone=clean["phone"],
                        email=clean["email"],
                    )
                except BookingRefused as error:
                    details.add_error(None, error.message)
                else:
                    messages.success(
                        request, _("Booked: %(reference)s.") % {"reference": booked.reference}
                    )
                    return see_other(
                        reverse("appointments_staff:appointment", args=[booked.reference])
                    )
    context = {"needs_form": needs_form, "details": details, "times": times, "plan": plan}
    return render(request, "appointments/staff/book.html", context)


# --- the catalogue --------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def services(request: HttpRequest) -> HttpResponse:
    form = NewServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        locations = list(data.pop("locations"))
        try:
            created = service_create(
                actor=request.user, new=NewService(**data), locations=locations
            )
        except CatalogueRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The service is added; please add its fees and texts."))
            return see_other(reverse("appointments_staff:service", args=[created.slug]))
    context = {"services": services_all(), "form": form}
    return render(request, "appointments/staff/services.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def service(request: HttpRequest, slug: str) -> HttpResponse:
    found = service_or_404(slug)
    form = ServiceForm(
        request.POST or None, instance=found, initial={"locations": list(found.locations.all())}
    )
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        try:
            service_update(
                actor=request.user,
                service=found,
                data=data,
                locations=list(form.cleaned_data["locations"]),
            )
        except CatalogueRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The service is saved."))
            return see_other(reverse("appointments_staff:service", args=[found.slug]))
    context = {
        "service": found,
        "form": form,
        "fee_form": FeeForm(initial={"valid_from": local_today()}),
        "fees": fees_of(found),
        "today": local_today(),
        "history": history_of(found),
    }
    return render(request, "appointments/staff/service.html", context)


@staff_required
@require_POST
def fee_create(request: HttpRequest, slug: str) -> HttpResponse:
    found = service_or_404(slug)
    return _form_act(
        request,
        FeeForm(request.POST),
        lambda data: fee_add(actor=request.user, service=found, fee=FeeData(**data)),
        done=_("The new fee is saved."),
        back=reverse("appointments_staff:service", args=[found.slug]) + "#fees",
    )


@staff_required
@require_POST
def fee_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = service_or_404(slug)
    fee = fee_or_404(found, pk)
    return _act(
        request,
        lambda: fee_remove(actor=request.user, fee=fee),
        done=_("The coming fee is removed."),
        back=reverse("appointments_staff:service", args=[found.slug]) + "#fees",
    )


# --- locations and counters -----------------------------------------------------------


@staff_required
@require_POST
def counter_new(request: HttpRequest, slug: str) -> HttpResponse:
    found = location_or_404(slug)
    form = NewCounterForm(request.POST, prefix="schalter")
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return see_other(reverse("appointments_staff:location", args=[found.slug]) + "#new-counter")
    try:
        created = counter_create(
            actor=request.user,
            location=found,
            name=form.cleaned_data["name"],
            services=list(form.cleaned_data["services"]),
        )
    except CatalogueRefused as error:
        _refused(request, error)
        return see_other(reverse("appointments_staff:location", args=[found.slug]) + "#new-counter")
    messages.success(request, _("The counter is added; please add its hours."))
    return see_other(_counter_url(created, "#hours"))


@staff_required
def locations(request: HttpRequest) -> HttpResponse:
    rows = [(location, counters_of(location)) for location in locations_all()]
    return render(request, "appointments/staff/locations.html", {"rows": rows})


@staff_required
@require_http_methods(["GET", "POST"])
def location(request: HttpRequest, slug: str) -> HttpResponse:
    found = location_or_404(slug)
    form = LocationForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        try:
            location_update(
                actor=request.user,
                location=found,
                data={field: form.cleaned_data[field] for field in form.Meta.fields},
            )
        except CatalogueRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The location is saved."))
            return see_other(reverse("appointments_staff:location", args=[found.slug]))
    counters = counters_of(found)
    context = {
        "location": found,
        "form": form,
        "counters": [(c, hours_of(c), closures_of(c), openings_of(c)) for c in counters],
        "closure_form": ClosureForm(),
        "counter_form": NewCounterForm(prefix="schalter"),
        "opening_form": ExtraOpeningForm(
            counters=counters_queryset(found),
            initial={"counters": [c.pk for c in counters if not c.emergency_only]},
        ),
        "history": history_of(found),
    }
    return render(request, "appointments/staff/location.html", context)


@staff_required
@require_POST
def location_closure(request: HttpRequest, slug: str) -> HttpResponse:
    found = location_or_404(slug)
    return _form_act(
        request,
        ClosureForm(request.POST),
        lambda data: location_closure_add(actor=request.user, location=found, **data),
        done=_("The location is closed for this time."),
        back=reverse("appointments_staff:location", args=[found.slug]),
    )


@staff_required
@require_POST
def location_opening(request: HttpRequest, slug: str) -> HttpResponse:
    found = location_or_404(slug)
    return _form_act(
        request,
        ExtraOpeningForm(request.POST, counters=counters_queryset(found)),
        lambda data: extra_opening_add(
            actor=request.user,
            counters=list(data["counters"]),
            day=data["date"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            note=data["note"],
        ),
        done=_("The extra opening is saved."),
        back=reverse("appointments_staff:location", args=[found.slug]),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest, pk: int) -> HttpResponse:
    found = counter_or_404(pk)
    form = CounterServicesForm(
        request.POST or None, initial={"services": list(found.services.all())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            counter_services_set(
                actor=request.user, counter=found, services=list(form.cleaned_data["services"])
            )
        except CatalogueRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The counter's services are saved."))
            return see_other(reverse("appointments_staff:counter", args=[found.pk]))
    rules = hours_of(found)
    context = {
        "counter": found,
        "form": form,
        "rules": [
            (
                rule,
                HoursForm(
                    prefix=f"r{rule.pk}",
                    initial={
                        "weekday": rule.weekday,
                        "start_time": rule.start_time,
                        "end_time": rule.end_time,
                        "staff": rule.note,
                        "valid_from": rule.valid_from,
                        "valid_until": rule.valid_until,
                    },
                ),
            )
            for rule in rules
        ],
        "hours_form": HoursForm(prefix="neu"),
        "closures": closures_of(found),
        "closure_form": ClosureForm(),
        "openings": openings_of(found),
        "history": history_of(found),
    }
    return render(request, "appointments/staff/counter.html", context)


def _hours(form: HoursForm) -> Hours:
    data = form.cleaned_data
    return Hours(
        weekday=data["weekday"],
        start_time=data["start_time"],
        end_time=data["end_time"],
        staff=data["staff"],
        valid_from=data["valid_from"],
        valid_until=data["valid_until"],
    )


def _counter_url(found: Any, anchor: str = "") -> str:
    return reverse("appointments_staff:counter", args=[found.pk]) + anchor


@staff_required
@require_POST
def hours_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = counter_or_404(pk)
    form = HoursForm(request.POST, prefix="neu")
    return _form_act(
        request,
        form,
        lambda _data: hours_add(actor=request.user, counter=found, hours=_hours(form)),
        done=_("The hours are saved."),
        back=_counter_url(found, "#hours"),
    )


@staff_required
@require_POST
def hours_change(request: HttpRequest, pk: int, rule: int) -> HttpResponse:
    found = counter_or_404(pk)
    existing = hours_rule_or_404(found, rule)
    form = HoursForm(request.POST, prefix=f"r{existing.pk}")
    return _form_act(
        request,
        form,
        lambda _data: hours_update(
            actor=request.user, counter=found, rule=existing, hours=_hours(form)
        ),
        done=_("The hours are saved."),
        back=_counter_url(found, "#hours"),
    )


@staff_required
@require_POST
def hours_remove(request: HttpRequest, pk: int, rule: int) -> HttpResponse:
    found = counter_or_404(pk)
    existing = hours_rule_or_404(found, rule)
    return _act(
        request,
        lambda: hours_delete(actor=request.user, counter=found, rule=existing),
        done=_("The hours are removed."),
        back=_counter_url(found, "#hours"),
    )


@staff_required
@require_POST
def counter_closure(request: HttpRequest, pk: int) -> HttpResponse:
    found = counter_or_404(pk)
    return _form_act(
        request,
        ClosureForm(request.POST),
        lambda data: counter_closure_add(actor=request.user, counter=found, **data),
        done=_("The absence is saved."),
        back=_counter_url(found, "#closures"),
    )


@staff_required
@require_POST
def closure_delete(request: HttpRequest, pk: int, closure: int) -> HttpResponse:
    found = counter_or_404(pk)
    closure_remove(actor=request.user, closure=closure_or_404(found, closure), owner=found)
    messages.success(request, _("The closure is removed."))
    return _back(request, _counter_url(found, "#closures"))


@staff_required
@require_POST
def opening_delete(request: HttpRequest, pk: int, opening: int) -> HttpResponse:
    found = counter_or_404(pk)
    existing = opening_or_404(found, opening)
    return _act(
        request,
        lambda: extra_opening_remove(actor=request.user, counter=found, opening=existing),
        done=_("The extra opening is removed."),
        back=_back_url(request, _counter_url(found, "#openings")),
    )
