"""The office's refunds of cancelled permits: the open ones, a CSV for the cash office's SEPA
transfer, and "paid out" (audited)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rathaus.accounts.access import staff_page

from .. import selectors
from ..services.changes import refund_paid

office_page = staff_page(selectors.access_parking_staff)


@office_page
def refunds(request):
    rows = list(selectors.refunds_open())
    context = {
        "refunds": rows,
        "total": sum((refund.amount for refund in rows), start=0),
        "paid": selectors.refunds_paid_recent(),
    }
    return render(request, "parking_permits/office/refunds.html", context)


@office_page
@require_GET
def refunds_csv(request):
    """One line a refund, as SEPA credit-transfer tools import it: name, IBAN, amount with a
    decimal point, remittance text (at most 140 characters)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["name", "iban", "amount", "currency", "remittance", "end_to_end_id"])
    for refund in selectors.refunds_open():
        number = refund.permit.number
        writer.writerow(
            [
                refund.account_holder,
                refund.iban,
                f"{refund.amount:.2f}",
                "EUR",
                f"Erstattung Bewohnerparkausweis {number}",
                f"BPR-{refund.pk}",
            ]
        )
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="erstattungen.csv"'
    response["Cache-Control"] = "no-store"
    return response


@office_page
@require_POST
def refund_mark_paid(request, pk: int):
    refund = selectors.refund_get(pk)
    if refund is None:
        raise Http404
    refund_paid(refund=refund, actor=request.user, now=timezone.now())
    messages.success(request, _("The refund was marked as paid out."))
    return redirect("parking_staff:refunds")
