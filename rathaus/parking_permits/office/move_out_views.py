"""Permits flagged at the import of the population register (the holder is no longer
registered in the zone): clear the flag (a register error) or end the permit now."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rathaus.accounts.access import staff_page

from .. import selectors
from ..services.changes import move_out_clear, move_out_end_now, move_out_notice_days

office_page = staff_page(selectors.access_parking_staff)


@office_page
def move_outs(request):
    context = {
        "permits": selectors.permits_move_out_flagged(),
        "notice_days": move_out_notice_days(),
    }
    return render(request, "parking_permits/office/move_outs.html", context)


def _flagged(number: str):
    permit = selectors.permit_by_number(number)
    if permit is None or permit.move_out_flagged_at is None:
        raise Http404
    return permit


@office_page
@require_POST
def move_out_clear_view(request, number: str):
    move_out_clear(permit=_flagged(number), actor=request.user, now=timezone.now())
    messages.success(request, _("The flag was cleared; the permit stays valid."))
    return redirect("parking_staff:move-outs")


@office_page
@require_POST
def move_out_end_view(request, number: str):
    move_out_end_now(permit=_flagged(number), actor=request.user, now=timezone.now())
    messages.success(request, _("The permit was ended."))
    return redirect("parking_staff:move-outs")
