"""The citizen's pages: thin, every read through selectors and every write through services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from rathaus.core.ics import ics_response

from . import selectors
from .ics import appointment_ics
from .links import CONFIRM, MANAGE, appointment_links, appointment_token_valid
from .models import Appointment
from .readiness import checklist
from .services.booking import BookingRefused, appointment_confirm
from .services.cancel import appointment_cancel


def _appointment(reference: str, token: str, purpose: str = MANAGE) -> Appointment:
    appointment = selectors.appointment_by_reference(reference[:20])
    if (
        appointment is None
        or appointment.erased_at
        or not appointment_token_valid(appointment, token, purpose)
    ):
        raise Http404
    return appointment


def _context(appointment: Appointment, **extra: object) -> dict[str, object]:
    return {
        "appointment": appointment,
        "persons": list(appointment.persons.all()),
        "checklist": checklist(appointment),
        **appointment_links(appointment),
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
        return redirect(appointment_links(appointment)["status_url"])


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
        return redirect(appointment_links(appointment)["status_url"])


@never_cache
def ics_download(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    appointment = _appointment(reference, token)
    return ics_response(
        request,
        appointment_ics(appointment),
        last_modified=appointment.updated_at,
        filename=f"{appointment.reference}.ics",
    )
