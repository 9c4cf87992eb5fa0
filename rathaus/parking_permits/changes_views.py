"""The holder's changes, reached from the status page by its secret link: a temporary permit
for a replacement vehicle, a lost or damaged permit, cancellation (or a move out of the zone)
with a pro-rata refund. Thin: reads from `selectors`, writes through `services.changes`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rathaus.core.redirects import see_other
from rathaus.core.timezone import local_today

from . import selectors
from .change_forms import CancelForm, LostForm, TemporaryForm
from .constants import EndReason, PermitKind, Status
from .epc import creditor, epc_svg
from .links import status_path, status_token_valid
from .models import Application, Permit
from .pdf import permit_pdf
from .refund_rules import iban_masked
from .services.changes import (
    ChangeRejected,
    permit_cancel,
    permit_reprint,
    refund_preview,
    refundable_after_move_out,
    temporary_end,
    temporary_issue,
    temporary_max_days,
)
from .services.permits import permit_sheet


def _own(reference: str, token: str) -> Application:
    application = selectors.application_get(reference)
    if application is None or not status_token_valid(application, token):
        raise Http404
    return application


def _changeable(application: Application, today: date) -> Permit | None:
    """The resident permit the holder may change today, or None."""
    permit = selectors.permit_for_application(application)
    if (
        permit is None
        or application.status != Status.ISSUED
        or permit.revoked_at is not None
        or permit.valid_until < today
    ):
        return None
    return permit


def _no_cache(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # forms post back: Origin must not be null
    return response


def status_changes(application: Application, permit: Permit | None) -> dict[str, Any]:
    """What the status page shows of changes: temporary permits, charges, end and refund."""
    if permit is None:
        return {}
    today = local_today()
    charges = []
    for charge in selectors.charges_of(application):
        svg = ""
        if charge.paid_at is None and charge.amount > 0:  # a cancelled one is 0 €
            svg = epc_svg(
                amount=charge.amount,
                reference=charge.remittance,
                title=_("GiroCode for the transfer of %(amount)s €") % {"amount": charge.amount},
            )
        charges.append((charge, svg))
    changeable = _changeable(application, today)
    refund = selectors.refund_of(permit)
    return {
        "changeable": changeable,
        "temporaries": selectors.temporary_permits_of(permit),
        "temporary_current": selectors.temporary_permit_current(permit, today),
        "charges": charges,
        "refund": refund,
        "refund_iban": iban_masked(refund.iban) if refund and refund.iban else "",
        "refund_after_move_out": refundable_after_move_out(permit),
        "today": today,
    }


@never_cache
def temporary(request, reference: str, token: str):
    application = _own(reference, token)
    today = local_today()
    permit = _changeable(application, today)
    if permit is None:
        raise Http404
    current = selectors.temporary_permit_current(permit, today)
    limit = temporary_max_days()
    form = TemporaryForm(request.POST or None, initial={"starts": today, "days": 7}, max_days=limit)
    status = 200
    if request.method == "POST" and current is None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                issued = temporary_issue(
                    permit=permit,
                    plate=data["plate"],
                    starts=data["starts"],
                    days=data["days"],
                    reason=data["reason"],
                    now=timezone.now(),
                )
            except ChangeRejected as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    _("Temporary permit %(number)s issued; we have sent it to you by e-mail.")
                    % {"number": issued.number},
                )
                return see_other(status_path(application))
        status = 422
    fee = selectors.fee_rule_on("temporary", today)
    context = {
        "application": application,
        "permit": permit,
        "current": current,
        "form": form,
        "token": token,
        "limit": limit,
        "fee": fee,
    }
    return _no_cache(
        render(request, "parking_permits/changes/temporary.html", context, status=status)
    )


def temporary_stop(request, reference: str, token: str, number: str):
    application = _own(reference, token)  # a wrong link is not found, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    found = selectors.permit_of_application(application, number)
    if found is None or found.kind != PermitKind.TEMPORARY:
        raise Http404
    temporary_end(temporary=found, now=timezone.now())
    messages.success(request, _("The temporary permit has ended."))
    return see_other(status_path(application))


@require_GET
def permit_file(request, reference: str, token: str, number: str):
    """The PDF of any permit of the application (the temporary one, or the current one)."""
    application = _own(reference, token)
    found = selectors.permit_of_application(application, number)
    if found is None or found.revoked_at is not None:
        raise Http404
    response = HttpResponse(permit_pdf(permit_sheet(found)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="Bewohnerparkausweis-{found.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def lost(request, reference: str, token: str):
    application = _own(reference, token)
    permit = _changeable(application, local_today())
    if permit is None:
        raise Http404
    form = LostForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new = permit_reprint(
                    permit=permit,
                    damaged=form.cleaned_data["what"] == "damaged",
                    now=timezone.now(),
                )
            except ChangeRejected as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    _("Permit %(old)s is revoked. Your new permit is %(new)s.")
                    % {"old": permit.number, "new": new.number},
                )
                return see_other(status_path(application))
        status = 422
    fee = selectors.fee_rule_on("replacement", local_today())
    context = {
        "application": application,
        "permit": permit,
        "form": form,
        "token": token,
        "fee": fee,
    }
    return _no_cache(render(request, "parking_permits/changes/lost.html", context, status=status))


@never_cache
def cancel(request, reference: str, token: str):
    """Cancellation (or a move out) with the refund shown before the holder confirms; also the
    refund of a permit already ended by a move out."""
    application = _own(reference, token)
    today = local_today()
    permit = selectors.permit_for_application(application)
    if permit is None:
        raise Http404
    after_move_out = refundable_after_move_out(permit)
    changeable = _changeable(application, today)
    if changeable is None and not after_move_out:
        raise Http404
    if changeable is not None and permit.ends_on and permit.move_out_flagged_at is None:
        raise Http404  # already cancelled: the status page says until when
    last = permit.ends_on or permit.valid_until
    ends = timezone.localdate(permit.revoked_at) if after_move_out else today
    data = request.POST if request.method == "POST" else None
    form = CancelForm(data, initial={"ends": today, "reason": "cancel"})
    if after_move_out:
        form.fields["ends"].required = False
        form.fields["reason"].required = False
    if request.method == "POST" and form.is_valid() and not after_move_out:
        ends = form.cleaned_data["ends"]
    elif request.method == "GET" and request.GET.get("ends") and not after_move_out:
        try:
            ends = date.fromisoformat(request.GET["ends"])
            form = CancelForm(initial={"ends": ends, "reason": "cancel"})
        except ValueError:
            pass
    figure = refund_preview(permit, max(ends, today) if not after_move_out else ends)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if figure.amount > 0 and not data["iban"]:
                form.add_error("iban", _("Please give the IBAN for the refund."))
            if figure.amount > 0 and not data["account_holder"].strip():
                form.add_error("account_holder", _("Please name the account holder."))
        if form.is_valid():
            try:
                refund = permit_cancel(
                    permit=permit,
                    ends=ends,
                    moved_out=data.get("reason") == "moved_out",
                    account_holder=data["account_holder"],
                    iban=data["iban"],
                    now=timezone.now(),
                )
            except ChangeRejected as error:
                form.add_error(error.field, error.message)
            else:
                text = (
                    _("Done. %(amount)s € will be refunded to your account.")
                    % {"amount": refund.amount}
                    if refund
                    else _("Done. There is nothing to refund.")
                )
                messages.success(request, text)
                return see_other(status_path(application))
        status = 422
    context = {
        "application": application,
        "permit": permit,
        "form": form,
        "token": token,
        "figure": figure,
        "ends": ends,
        "last": last,
        "after_move_out": after_move_out,
        "flagged": permit.move_out_flagged_at is not None,
        "moved_out": EndReason.MOVED_OUT,
        "creditor": creditor(),
    }
    return _no_cache(render(request, "parking_permits/changes/cancel.html", context, status=status))
