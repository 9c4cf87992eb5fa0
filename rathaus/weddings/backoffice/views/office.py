"""Registry-office pages: home, day and week plan, reservation list and detail, and the
actions on a reservation (confirm, cancel, move, registrar)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rathaus.accounts import roles
from rathaus.audit.selectors import audit_lines_for
from rathaus.core.timezone import BERLIN, local_today

from ...constants import ReservationStatus
from .. import selectors, services
from ..forms import (
    CancelForm,
    ConfirmForm,
    MoveForm,
    MoveSearchForm,
    RegistrarAssignForm,
    ReservationFilterForm,
    UndoForm,
    day_or_today,
)
from ..selectors import (
    ReservationFilter,
    access_registry_office,
    access_reservation,
    user_roles,
)
from .base import BackofficeView, done

LIST_LIMIT = 300


class HomeView(BackofficeView):
    """Sends each role to the page of its daily work."""

    def get(self, request):
        found = user_roles(request.user)
        if roles.REGISTRY_OFFICE in found:
            return redirect("backoffice:plan-day")
        if roles.VENUE_OPERATOR in found:
            venues = list(selectors.venues_of(request.user)[:2])
            if len(venues) == 1:
                return redirect("backoffice:venue", slug=venues[0].slug)
            return redirect("backoffice:venue-list")
        if roles.REGISTRAR in found:
            return redirect("backoffice:my-schedule")
        raise PermissionDenied


class PlanDayView(BackofficeView):
    template_name = "weddings/backoffice/plan_day.html"

    def get(self, request):
        access_registry_office(request.user)
        day = day_or_today(request.GET.get("tag"))
        context = {
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "week_start": day - timedelta(days=day.weekday()),
            "ceremonies": list(selectors.ceremonies_between(day, day)),
        }
        return render(request, self.template_name, context)


class PlanWeekView(BackofficeView):
    template_name = "weddings/backoffice/plan_week.html"

    def get(self, request):
        access_registry_office(request.user)
        chosen = day_or_today(request.GET.get("woche"))
        monday = chosen - timedelta(days=chosen.weekday())
        sunday = monday + timedelta(days=6)
        by_day = {monday + timedelta(days=i): [] for i in range(7)}
        for ceremony in selectors.ceremonies_between(monday, sunday):
            by_day[ceremony.start.astimezone(BERLIN).date()].append(ceremony)
        context = {
            "monday": monday,
            "sunday": sunday,
            "days": list(by_day.items()),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
        }
        return render(request, self.template_name, context)


class ReservationListView(BackofficeView):
    template_name = "weddings/backoffice/reservation_list.html"

    def get(self, request):
        access_registry_office(request.user)
        form = ReservationFilterForm(request.GET or None)
        filters = ReservationFilter(first=local_today())
        if form.is_valid():
            data = form.cleaned_data
            filters = ReservationFilter(
                status=data["status"],
                venue=data["venue"],
                deadline_until=data["deadline_until"],
                first=data["first"],
                last=data["last"],
                reference=data["reference"],
            )
        rows = list(selectors.reservations_filtered(filters)[: LIST_LIMIT + 1])
        context = {
            "form": form,
            "reservations": rows[:LIST_LIMIT],
            "truncated": len(rows) > LIST_LIMIT,
        }
        return render(request, self.template_name, context)


def _detail_context(request, reservation, **forms):
    active = reservation.status in selectors.ACTIVE
    return {
        "reservation": reservation,
        "active": active,
        "agreement": selectors.venue_agreement_of(reservation),
        "agreement_missing": selectors.venue_agreement_missing(reservation),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "history": audit_lines_for(reservation),
        "can_confirm": active and reservation.status != ReservationStatus.CONFIRMED,
        "notice_waits_for_venue": reservation.notice_filed_on is not None
        and reservation.status == ReservationStatus.RESERVED,
    }


class ReservationDetailView(BackofficeView):
    template_name = "weddings/backoffice/reservation_detail.html"

    def get(self, request, reference):
        reservation = access_reservation(request.user, reference)
        return render(request, self.template_name, _detail_context(request, reservation))


class _ReservationActionView(BackofficeView):
    """POST-only action on one reservation; errors re-render the detail page."""

    template_name = ReservationDetailView.template_name
    form_class = ConfirmForm
    form_name = "confirm_form"

    def get(self, request, reference):
        return redirect("backoffice:reservation", reference=reference)

    def post(self, request, reference):
        reservation = access_reservation(request.user, reference)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                text = self.act(request, reservation, form.cleaned_data)
            except services.BackofficeError as error:
                form.add_error(None, error.message)
            else:
                url = reverse("backoffice:reservation", args=[reservation.reference])
                return done(request, url, text)
        context = _detail_context(request, reservation, **{self.form_name: form})
        return render(request, self.template_name, context, status=422)

    def act(self, request, reservation, data) -> str:
        raise NotImplementedError


class ReservationConfirmView(_ReservationActionView):
    def act(self, request, reservation, data):
        reservation = services.reservation_confirm(
            actor=request.user, reservation=reservation, notice_filed_on=data["notice_filed_on"]
        )
        if reservation.status == ReservationStatus.CONFIRMED:
            return _("The marriage notice is recorded and the wedding is confirmed.")
        return _(
            "The marriage notice is recorded. The wedding is confirmed as soon as the venue agrees."
        )


class ReservationDeclineUndoView(_ReservationActionView):
    form_class = UndoForm
    form_name = "undo_form"

    def act(self, request, reservation, data):
        services.reservation_venue_decline_undo(actor=request.user, reservation=reservation)
        return _("The venue's refusal is undone; the couple has been informed.")


class ReservationCancelView(_ReservationActionView):
    form_class = CancelForm
    form_name = "cancel_form"

    def act(self, request, reservation, data):
        services.reservation_cancel_by_office(
            actor=request.user, reservation=reservation, reason=data["reason"]
        )
        return _("The reservation is cancelled and the couple has been informed.")


class ReservationMoveView(BackofficeView):
    """Choose venue and date (GET), see the free times, move with one click (POST)."""

    template_name = "weddings/backoffice/reservation_move.html"

    def _render(self, request, reservation, search, error=None, status=200):
        options = []
        if search.is_valid():
            options = selectors.move_options(
                reservation, search.cleaned_data["venue"], search.cleaned_data["day"]
            )
        context = {
            "reservation": reservation,
            "search": search,
            "options": options,
            "error": error,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, reference):
        reservation = access_reservation(request.user, reference)
        if "venue" in request.GET:
            search = MoveSearchForm(request.GET)
        else:
            local = reservation.start.astimezone(BERLIN)
            search = MoveSearchForm({"venue": reservation.venue.slug, "day": local.date()})
        return self._render(request, reservation, search)

    def post(self, request, reference):
        reservation = access_reservation(request.user, reference)
        form = MoveForm(request.POST)
        search = MoveSearchForm(request.POST)
        if not form.is_valid():
            return self._render(request, reservation, search, _("Please choose a time."), 422)
        try:
            services.reservation_move(
                actor=request.user,
                reservation=reservation,
                venue=form.cleaned_data["venue"],
                start=form.cleaned_data["start"],
            )
        except services.BackofficeError as error:
            return self._render(request, reservation, search, error.message, 409)
        url = reverse("backoffice:reservation", args=[reservation.reference])
        return done(request, url, _("The wedding has been moved and the couple informed."))


class ReservationRegistrarView(BackofficeView):
    template_name = "weddings/backoffice/reservation_registrar.html"

    def _render(self, request, reservation, error=None, status=200):
        context = {
            "reservation": reservation,
            "suggested": selectors.registrars_suggested(reservation),
            "error": error,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, reference):
        return self._render(request, access_reservation(request.user, reference))

    def post(self, request, reference):
        reservation = access_reservation(request.user, reference)
        form = RegistrarAssignForm(request.POST)
        registrar = (
            selectors.registrar_active(form.cleaned_data["registrar"]) if form.is_valid() else None
        )
        if registrar is None:
            return self._render(request, reservation, _("Please choose a registrar."), 422)
        try:
            services.reservation_registrar_assign(
                actor=request.user, reservation=reservation, registrar=registrar
            )
        except services.BackofficeError as error:
            return self._render(request, reservation, error.message, 409)
        url = reverse("backoffice:reservation", args=[reservation.reference])
        return done(
            request, url, _("%(name)s now conducts this wedding.") % {"name": registrar.name}
        )
