"""The citizen's pick-up page (from the e-mail's link): a pick-up time or postal delivery."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from rathaus.appointments.links import appointment_links

from .constants import (
    POSTAL_FEE_EUR,
    POSTAL_MIN_AGE,
    POSTAL_SINCE,
    DocumentKind,
    PickupStatus,
    payment_iban,
)
from .forms import PostalForm, SlotForm
from .models import Pickup
from .selectors import pickup_for_token, pickup_times
from .services import PickupRefused, pickup_book, pickup_request_postal, pickup_token


def _pickup(reference: str, token: str) -> Pickup:
    pickup = pickup_for_token(reference, token)
    if pickup is None:
        raise Http404
    return pickup


def _path(pickup: Pickup) -> str:
    """The pick-up page on this site: a relative redirect stays on the form's origin (an
    absolute SITE_URL address on another origin is blocked by CSP form-action 'self')."""
    return reverse("pickup:detail", args=[pickup.reference, pickup_token(pickup)])


def _context(pickup: Pickup, **extra: Any) -> dict[str, Any]:
    ask_birth = pickup.date_of_birth is None
    context: dict[str, Any] = {
        "pickup": pickup,
        "postal_fee": POSTAL_FEE_EUR,
        "postal_since": POSTAL_SINCE,
        "postal_min_age": POSTAL_MIN_AGE[DocumentKind(pickup.document_kind)],
        "payment_reference": pickup.reference,
        "iban": payment_iban(),
    }
    if pickup.appointment_id and pickup.appointment and not pickup.appointment.erased_at:
        context["appointment_url"] = appointment_links(pickup.appointment)["status_url"]
    if pickup.status == PickupStatus.READY:
        context.setdefault(
            "slot_form",
            SlotForm(times=pickup_times(pickup, timezone.now()), ask_birth=ask_birth),
        )
        context.setdefault("postal_form", PostalForm(ask_birth=ask_birth))
    context.update(extra)
    return context


@method_decorator(never_cache, name="dispatch")
class PickupView(View):
    def get(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        pickup = _pickup(reference, token)
        return render(request, "appointments_pickup/pickup.html", _context(pickup))


@method_decorator(never_cache, name="dispatch")
class SlotView(View):
    def get(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        return redirect(_path(_pickup(reference, token)))  # the form is on that page

    def post(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        pickup = _pickup(reference, token)
        form = SlotForm(
            request.POST,
            times=pickup_times(pickup, timezone.now()),
            ask_birth=pickup.date_of_birth is None,
        )
        if form.is_valid():
            try:
                pickup_book(
                    pickup=pickup,
                    start=form.start_moment(),
                    date_of_birth=form.cleaned_data.get("date_of_birth"),
                )
            except PickupRefused as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("Your pick-up time is booked."))
                return redirect(_path(pickup))
        return render(
            request,
            "appointments_pickup/pickup.html",
            _context(pickup, slot_form=form),
            status=400,
        )


@method_decorator(never_cache, name="dispatch")
class PostalView(View):
    def get(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        return redirect(_path(_pickup(reference, token)))  # the form is on that page

    def post(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        pickup = _pickup(reference, token)
        form = PostalForm(request.POST, ask_birth=pickup.date_of_birth is None)
        if form.is_valid():
            try:
                pickup_request_postal(
                    pickup=pickup,
                    address=form.address(pickup.name),
                    date_of_birth=form.cleaned_data.get("date_of_birth"),
                )
            except PickupRefused as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("Postal delivery is requested."))
                return redirect(_path(pickup))
        return render(
            request,
            "appointments_pickup/pickup.html",
            _context(pickup, postal_form=form),
            status=400,
        )
