"""The one-tap pages of the reminder and reconfirmation e-mails: GET shows the appointment
and one button, only the POST acts (e-mail link scanners follow links, they do not submit
forms)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from .services.reminders import (
    NotPossible,
    appointment_coming,
    appointment_reconfirm,
    coming_links,
)
from .views import _appointment, _context, _status_path


@method_decorator(never_cache, name="dispatch")
class ComingView(View):
    template = "appointments/coming.html"

    def get(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        appointment = _appointment(reference, token)
        return render(request, self.template, _context(appointment, **coming_links(appointment)))

    def post(self, request: HttpRequest, reference: str, token: str) -> HttpResponse:
        appointment = _appointment(reference, token)
        try:
            appointment = self.act(appointment)
        except NotPossible:
            return render(
                request,
                self.template,
                _context(
                    appointment,
                    error=_("This appointment is no longer open."),
                    **coming_links(appointment),
                ),
                status=409,
            )
        messages.success(request, self.done)
        # Relative, as ConfirmView's: an absolute SITE_URL address on another origin than the
        # form's is blocked by the browser (CSP form-action 'self' covers the redirect).
        return redirect(_status_path(appointment))

    @property
    def done(self) -> str:
        return _("Thank you – we are expecting you.")

    def act(self, appointment):  # type: ignore[no-untyped-def]
        return appointment_coming(appointment=appointment)


class ReconfirmView(ComingView):
    template = "appointments/reconfirm.html"

    @property
    def done(self) -> str:
        return _("Thank you – your appointment stands.")

    def act(self, appointment):  # type: ignore[no-untyped-def]
        return appointment_reconfirm(appointment=appointment)
