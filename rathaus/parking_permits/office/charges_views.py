"""The office's list of open and overdue charges (fees billed after issue) and the counter
payment of a charge."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rathaus.accounts.access import staff_page
from rathaus.core.timezone import local_today

from .. import selectors
from ..change_forms import ChargePaymentForm
from ..constants import PaymentSource
from ..services.charges import ChargeRejected, charge_payment_record

office_page = staff_page(selectors.access_parking_staff)


@office_page
def charges(request):
    today = local_today()
    rows = list(selectors.charges_open())
    context = {
        "charges": rows,
        "overdue": sum(1 for charge in rows if charge.due_on < today),
        "today": today,
        "form": ChargePaymentForm(initial={"booked_on": today}),
    }
    return render(request, "parking_permits/office/charges.html", context)


@office_page
@require_POST
def charge_pay(request, pk: int):
    charge = selectors.charge_get(pk)
    if charge is None:
        raise Http404
    form = ChargePaymentForm(request.POST)
    if form.is_valid():
        try:
            charge_payment_record(
                charge=charge,
                amount=charge.amount,
                source=PaymentSource.COUNTER,
                booked_on=form.cleaned_data["booked_on"],
                actor=request.user,
                now=timezone.now(),
            )
            messages.success(request, _("The payment was recorded."))
        except ChargeRejected as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Please give the day of payment."))
    return redirect("parking_staff:charges")
