"""Staff pages of the pick-up (role citizen_office_admin): the list with its status, marking a
document ready one by one or by importing a list, recording the hand-over."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rathaus.accounts.access import staff_page
from rathaus.appointments.selectors import location_get, service_get, service_locations

from .constants import SERVICE_SLUG
from .forms import FilterForm, ImportForm, ReadyForm
from .selectors import access_pickup_staff, pickup_counts, pickup_get, pickups_for_staff
from .services import (
    ImportInvalid,
    PickupRefused,
    ReadyDocument,
    pickup_hand_over,
    pickup_mark_ready,
    pickups_import,
)

staff_required = staff_page(access_pickup_staff)


def _locations() -> list[Any]:
    service = service_get(SERVICE_SLUG)
    return service_locations(service) if service else []


def _page(request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
    filters = FilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    context = {
        "filters": filters,
        "pickups": pickups_for_staff(chosen.get("status", ""), chosen.get("q", "")),
        "counts": pickup_counts(),
        "ready_form": ReadyForm(locations=_locations()),
        "import_form": ImportForm(),
        **extra,
    }
    return render(request, "appointments_pickup/staff_list.html", context, status=status)


@staff_required
def pickup_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@staff_required
@require_POST
def pickup_ready(request: HttpRequest) -> HttpResponse:
    form = ReadyForm(request.POST, locations=_locations())
    if form.is_valid():
        data = form.cleaned_data
        location = location_get(data["location"])
        if location is None:
            raise Http404
        try:
            pickup = pickup_mark_ready(
                ReadyDocument(
                    location=location,
                    document_kind=data["document_kind"],
                    document_number=data["document_number"],
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    email=data["email"],
                    date_of_birth=data["date_of_birth"],
                ),
                actor=request.user,
            )
        except PickupRefused as error:
            form.add_error("document_number", str(error.message))
        else:
            messages.success(
                request,
                _("%(reference)s is marked ready; the citizen has been notified.")
                % {"reference": pickup.reference},
            )
            return redirect("pickup_staff:list")
    return _page(request, status=400, ready_form=form)


@staff_required
@require_POST
def pickup_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        text = form.text()
        if text is None:
            errors = ["Die Datei ist keine UTF-8-Textdatei oder größer als 2 MB."]
        else:
            try:
                imported = pickups_import(text, actor=request.user)
            except ImportInvalid as invalid:
                errors = invalid.errors
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d document imported; the citizens have been notified.",
                        "%(count)d documents imported; the citizens have been notified.",
                        len(imported),
                    )
                    % {"count": len(imported)},
                )
                return redirect("pickup_staff:list")
    return _page(request, status=400, import_form=form, import_errors=errors)


@staff_required
@require_POST
def pickup_handed_over(request: HttpRequest, reference: str) -> HttpResponse:
    pickup = pickup_get(reference)
    if pickup is None or pickup.erased_at:
        raise Http404
    try:
        pickup_hand_over(
            pickup=pickup, posted=request.POST.get("how") == "posted", actor=request.user
        )
    except PickupRefused as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(reference)s is recorded as handed over.") % {"reference": pickup.reference},
        )
    return redirect("pickup_staff:list")
