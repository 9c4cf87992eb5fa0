"""Registry-office pages of the lottery: mark and unmark dates, counts and results.

Nothing here can influence a draw: the seed is not shown before it, there is no "draw now",
no editing of applications, and a date can only be taken out while nobody has applied.
Every handler passes `access_registry_office`.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.audit.selectors import audit_lines_for, audit_lines_with_codes
from rathaus.core.timezone import local_today
from rathaus.weddings.backoffice.selectors import access_registry_office
from rathaus.weddings.backoffice.views.base import BackofficeView, done

from . import selectors, services
from .forms import MarkForm

PAST_DAYS = 120
AHEAD_MONTHS_DAYS = 500


class StaffLotteryListView(BackofficeView):
    template_name = "lottery/staff_list.html"

    def _render(self, request, form, status=200):
        today = local_today()
        now = timezone.now()
        lotteries = selectors.lotteries_staff(
            first=today - timedelta(days=PAST_DAYS), last=today + timedelta(days=AHEAD_MONTHS_DAYS)
        )
        rows = [{"lottery": x, "state": selectors.lottery_state(x, now)} for x in lotteries]
        context = {
            "rows": rows,
            "form": form,
            "history": audit_lines_with_codes(
                ("weddings.lottery.marked", "weddings.lottery.unmarked"), limit=30
            ),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        access_registry_office(request.user)
        return self._render(request, MarkForm())

    def post(self, request):
        access_registry_office(request.user)
        form = MarkForm(request.POST)
        if form.is_valid():
            try:
                services.lottery_mark(actor=request.user, day=form.cleaned_data["day"])
            except services.LotteryError as error:
                form.add_error(None, error.message)
            else:
                return done(request, reverse("lottery:staff-list"), _("Saved."))
        return self._render(request, form, status=422)


class StaffLotteryUnmarkView(BackofficeView):
    def post(self, request, day):
        access_registry_office(request.user)
        parsed = selectors.day_parse(day)
        if parsed is None:
            raise Http404
        try:
            services.lottery_unmark(actor=request.user, day=parsed)
        except services.LotteryError as error:
            return done(request, reverse("lottery:staff-list"), error.message)
        return done(request, reverse("lottery:staff-list"), _("Saved."))


class StaffLotteryDetailView(BackofficeView):
    template_name = "lottery/staff_detail.html"

    def get(self, request, day):
        access_registry_office(request.user)
        parsed = selectors.day_parse(day)
        lottery = selectors.lottery_for_day(parsed) if parsed else None
        if lottery is None:
            raise Http404
        applications = selectors.applications_staff(lottery)
        context = {
            "lottery": lottery,
            "state": selectors.lottery_state(lottery, timezone.now()),
            "counts": selectors.application_counts(lottery),
            "applications": applications,
            "history": audit_lines_for(lottery, limit=30),
        }
        return render(request, self.template_name, context)
