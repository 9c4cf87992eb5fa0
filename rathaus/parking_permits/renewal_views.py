"""The holder's renewal and change of plate, under the status link (/parkausweis/antrag/
<reference>/<token>/verlaengern/, …/kennzeichen/, …/automatisch/). Thin: reads from
`follow_up_selectors`, writes through `services.follow_ups`. A GET never changes anything
(the reminder's link opens a page with one button); each POST answers 303."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from rathaus.core.redirects import see_other
from rathaus.core.timezone import local_today

from . import follow_up_selectors as follow
from . import selectors
from .constants import PERMIT_YEARS, ApplicationKind, EndReason, FeeKind, Status
from .links import status_path, status_token_valid
from .models import Application, Permit
from .renewal_forms import AutoRenewForm, PlateChangeForm, RenewalForm
from .services.follow_ups import FollowUpRejected, follow_up_create, permit_auto_renew_set


def _own(reference: str, token: str) -> Application:
    application = selectors.application_get(reference)
    if application is None or not status_token_valid(application, token):
        raise Http404
    return application


def _permit(application: Application) -> Permit:
    permit = follow.permit_current_for(application)
    if permit is None or application.status != Status.ISSUED:
        raise Http404
    return permit


def _renewal_fees(today: date) -> list[Any]:
    return selectors.permit_fees_on(today)


def _renewal_form(permit: Permit, today: date, data: Any = None) -> RenewalForm:
    previous = permit.application.fee_kind
    initial = {"fee_kind": previous if previous in PERMIT_YEARS else FeeKind.PERMIT_1Y}
    return RenewalForm(data, initial=initial, fees=_renewal_fees(today))


def _message(error: FollowUpRejected, permit: Permit) -> str:
    if error.code == "too_early":
        opens = date_format(follow.renewal_opens(permit), "SHORT_DATE_FORMAT")
        return _("Renewal is possible from %(date)s, six weeks before the end.") % {"date": opens}
    if error.code == "ended":
        return _("Your permit has ended; it cannot be renewed. Please apply for a new permit.")
    if error.code == "followed":
        return _("This permit has already been renewed or changed.")
    if error.code == "same_plate":
        return _("The permit is already for this licence plate.")
    if error.code == "no_fee":
        return _("No fee is in force for this. Please contact the Bürgerbüro.")
    return _("This permit cannot be renewed or changed online. Please contact the Bürgerbüro.")


def follow_up_context(application: Application, permit: Permit | None, token: str) -> dict:
    """What the status page shows about renewal and change of plate (`_follow_ups.html`)."""
    today = local_today()
    context: dict[str, Any] = {"follow_up_of": application.previous_permit}
    if permit is None or application.status != Status.ISSUED:
        return context
    if permit.revoked_at is not None:
        issued = follow.follow_up_issued(permit)
        context["replaced_by"] = issued if permit.end_reason == EndReason.REPLACED else None
        context["replaced_by_path"] = status_path(issued) if issued else ""
        return context
    if permit.valid_until < today:
        context["expired"] = True
        return context
    opened = follow.follow_up_open(permit)
    issued = follow.follow_up_issued(permit)
    if opened or issued:
        shown = opened or issued
        context.update(current_follow_up=shown, current_follow_up_path=status_path(shown))
        return context
    context.update(
        offer=True,
        renewal_open=follow.renewal_open_on(permit, today),
        renewal_opens=follow.renewal_opens(permit),
        renewal_starts=permit.valid_until + timedelta(days=1),
        renewal_form=_renewal_form(permit, today),
        auto_renew=permit.auto_renew,
    )
    return context


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int | None = None
) -> HttpResponse:
    response = render(request, f"parking_permits/{template}", context)
    if status:
        response.status_code = status
    response["X-Robots-Tag"] = "noindex, nofollow"
    # same-origin, not no-referrer: the page's forms (renewal, new plate) need the Origin
    # header of the CSRF check; the secret link still never goes to another site.
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
def renew(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    application = _own(reference, token)
    permit = _permit(application)
    already = follow.follow_up_open(permit)
    if already is not None:  # a second click shows the renewal already applied for
        return see_other(status_path(already))
    today = local_today()
    posted = request.method == "POST"
    error = _offer_error(permit, today)
    form = _renewal_form(permit, today, request.POST if posted else None)
    if posted and not error:
        if not form.is_valid():
            context = _renew_context(application, permit, token, form)
            return _page(request, "renewal.html", context, 422)
        try:
            follow_up = follow_up_create(
                permit=permit,
                kind=ApplicationKind.RENEWAL,
                fee_kind=form.cleaned_data["fee_kind"],
                now=timezone.now(),
            )
        except FollowUpRejected as rejected:
            error = _message(rejected, permit)
        else:
            return see_other(status_path(follow_up))
    context = _renew_context(application, permit, token, form, error=error)
    return _page(request, "renewal.html", context, 409 if error and posted else None)


def _offer_error(permit: Permit, today: date) -> str:
    if permit.revoked_at is not None or permit.valid_until < today or permit.ends_on:
        return _message(FollowUpRejected("ended", ""), permit)
    if follow.follow_up_issued(permit) is not None:
        return _message(FollowUpRejected("followed", ""), permit)
    if not follow.renewal_open_on(permit, today):
        return _message(FollowUpRejected("too_early", ""), permit)
    return ""


def _renew_context(
    application: Application, permit: Permit, token: str, form: RenewalForm, error: str = ""
) -> dict[str, Any]:
    return {
        "application": application,
        "permit": permit,
        "token": token,
        "form": form,
        "error": error,
        "expired": permit.valid_until < local_today(),
        "apply_url": reverse("parking_permits:apply"),
    }


@never_cache
def plate_change(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    application = _own(reference, token)
    permit = _permit(application)
    already = follow.follow_up_open(permit)
    if already is not None:
        return see_other(status_path(already))
    form = PlateChangeForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {
        "application": application,
        "permit": permit,
        "token": token,
        "form": form,
        "fee": selectors.fee_rule_on(FeeKind.CHANGE, local_today()),
    }
    if request.method != "POST":
        return _page(request, "plate_change.html", context)
    if not form.is_valid():
        return _page(request, "plate_change.html", context, 422)
    try:
        follow_up = follow_up_create(
            permit=permit,
            kind=ApplicationKind.PLATE_CHANGE,
            plate=form.cleaned_data["plate"],
            now=timezone.now(),
        )
    except FollowUpRejected as rejected:
        if rejected.code in ("same_plate", "plate"):
            form.add_error("plate", _message(rejected, permit))
        else:
            form.add_error(None, _message(rejected, permit))
        return _page(request, "plate_change.html", context, 409)
    return see_other(status_path(follow_up))


def auto_renew(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    application = _own(reference, token)  # a wrong link is 404 whatever the method
    permit = _permit(application)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AutoRenewForm(request.POST)
    if form.is_valid():
        with suppress(FollowUpRejected):  # ended meanwhile: the status page says so
            permit_auto_renew_set(
                permit=permit, on=form.cleaned_data["state"] == "on", now=timezone.now()
            )
    return see_other(status_path(application) + "#renewal-title")
