"""Registrar pages: the personal schedule, duty roster, absences and calendar feed.

A registrar reaches only their own pages (`access_registrar`); the registry office all.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rathaus.audit.selectors import audit_lines_for
from rathaus.scheduling import services as scheduling

from .. import selectors, services
from ..forms import TimeSpanForm, day_or_today
from ..selectors import access_registrar, access_registrar_self, access_registry_office
from .base import BackofficeView, done
from .venue import FeedManageView

ABSENCE = "absence"
SCHEDULE_DAYS = 56


class MyScheduleView(BackofficeView):
    def get(self, request):
        registrar = access_registrar_self(request.user)
        return redirect("backoffice:registrar", pk=registrar.pk)


class RegistrarListView(BackofficeView):
    template_name = "weddings/backoffice/registrar_list.html"

    def get(self, request):
        access_registry_office(request.user)
        registrars = selectors.registrars_all()
        return render(request, self.template_name, {"registrars": registrars})


def _schedule_context(request, registrar, absence_form=None):
    first = day_or_today(request.GET.get("ab"))
    last = first + timedelta(days=SCHEDULE_DAYS - 1)
    return {
        "registrar": registrar,
        "first": first,
        "last": last,
        "previous": first - timedelta(days=SCHEDULE_DAYS),
        "next": last + timedelta(days=1),
        "ceremonies": list(selectors.registrar_ceremonies(registrar, first, last)),
        "rules": selectors.weekly_rules_of(registrar.resource),
        "absences": list(selectors.closures_ahead(registrar.resource_id)),
        "absence_form": absence_form or TimeSpanForm(),
        "is_office": selectors.is_registry_office(request.user),
        "history": audit_lines_for(registrar, limit=30),
    }


class RegistrarScheduleView(BackofficeView):
    template_name = "weddings/backoffice/registrar_schedule.html"

    def get(self, request, pk):
        registrar = access_registrar(request.user, pk)
        return render(request, self.template_name, _schedule_context(request, registrar))


class RegistrarAbsenceCreateView(BackofficeView):
    def get(self, request, pk):
        return redirect("backoffice:registrar", pk=pk)

    def post(self, request, pk):
        registrar = access_registrar(request.user, pk)
        form = TimeSpanForm(request.POST)
        if form.is_valid():
            try:
                scheduling.closure_create(
                    actor=request.user,
                    resource=registrar.resource,
                    owner=registrar,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    reason=form.cleaned_data["reason"] or _("Absent"),
                    source=ABSENCE,
                )
            except services.REFUSALS as error:
                form.add_error(None, error.message)
            else:
                url = reverse("backoffice:registrar", args=[pk])
                return done(request, url, _("The absence is recorded."))
        context = _schedule_context(request, registrar, absence_form=form)
        return render(request, RegistrarScheduleView.template_name, context, status=422)


class RegistrarAbsenceDeleteView(BackofficeView):
    def post(self, request, pk, closure_id):
        registrar = access_registrar(request.user, pk)
        closure = selectors.closure_find(closure_id, resource_id=registrar.resource_id)
        if closure is None:
            raise Http404
        scheduling.closure_delete(actor=request.user, closure=closure, owner=registrar)
        return done(
            request, reverse("backoffice:registrar", args=[pk]), _("The absence is removed.")
        )


class RegistrarFeedView(FeedManageView):
    def owner(self, request, key):
        return access_registrar(request.user, key)

    def owner_kwargs(self, owner):
        return {"registrar": owner}

    def back_url(self, owner):
        return reverse("backoffice:registrar", args=[owner.pk])
