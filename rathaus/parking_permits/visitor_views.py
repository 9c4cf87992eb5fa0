"""Visitor day permits on the holder's status link: buy one, download its PDF, cancel it
before its first day. Thin: reads from `selectors`, writes through `services.visitors`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rathaus.core.timezone import local_today

from . import selectors
from .forms import VisitorForm
from .links import status_path
from .services.visitors import (
    VisitorRejected,
    visitor_pdf,
    visitor_pdf_name,
    visitor_permit_buy,
    visitor_permit_cancel,
)
from .views import _own, _pdf


def _private(response: HttpResponse) -> HttpResponse:
    """Pages under the secret link, with forms: "same-origin", not "no-referrer" (under which
    the browser posts the form with `Origin: null`, which Django's CSRF check refuses); the
    link never leaves the site either way."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
def buy(request, reference: str, token: str):
    application = _own(reference, token)
    today = local_today()
    offer = selectors.visitor_offer(application, today)
    if offer.parent is None:
        raise Http404
    form = VisitorForm(request.POST or None, initial={"first_day": today, "days": 1})
    status = None
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                permit = visitor_permit_buy(
                    application=application,
                    plate=data["plate"],
                    first_day=data["first_day"],
                    days=data["days"],
                    now=timezone.now(),
                )
            except VisitorRejected as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Visitor day permit %(number)s for %(plate)s is issued; we have sent "
                        "it to you by e-mail."
                    )
                    % {"number": permit.number, "plate": permit.plate},
                )
                return redirect(status_path(application) + "#visitors-title")
        status = 422
    context = {"application": application, "offer": offer, "form": form, "token": token}
    response = _private(render(request, "parking_permits/visitor_buy.html", context))
    if status:
        response.status_code = status
    return response


def _visitor_permit(application, number: str):
    permit = selectors.visitor_permit_of(application, number)
    if permit is None:
        raise Http404
    return permit


@require_GET
def permit_download(request, reference: str, token: str, number: str):
    application = _own(reference, token)
    permit = _visitor_permit(application, number)
    if not permit.code:  # the plate was erased after the retention period
        raise Http404
    content = visitor_pdf(permit, translation.get_language() or "de")
    return _pdf(content, visitor_pdf_name(permit))


@never_cache
def cancel(request, reference: str, token: str, number: str):
    application = _own(reference, token)
    permit = _visitor_permit(application, number)
    error = None
    if request.method == "POST":
        try:
            visitor_permit_cancel(application=application, permit=permit, now=timezone.now())
        except VisitorRejected as rejected:
            error = rejected.message
        else:
            messages.success(
                request,
                _("Visitor day permit %(number)s is cancelled; nothing is charged for it.")
                % {"number": permit.number},
            )
            return redirect(status_path(application) + "#visitors-title")
    context = {
        "application": application,
        "permit": permit,
        "token": token,
        "error": error,
        "cancellable": permit.revoked_at is None and permit.valid_from > local_today(),
    }
    response = _private(render(request, "parking_permits/visitor_cancel.html", context))
    if error:
        response.status_code = 409
    return response
