"""Registry-office settings: venue details and fees, weekly rules, extra openings, closures
and the reservation rules. Every handler passes `access_registry_office` (directly or through
`access_venue_edit` / `access_roster_edit`)."""

from __future__ import annotations

from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from rathaus.audit.selectors import audit_lines_for, audit_lines_with_codes
from rathaus.scheduling import services as scheduling
from rathaus.scheduling.models import Resource, WeeklyRule

from ...selectors import reservation_policy
from .. import selectors, services
from ..forms import ExtraOpeningForm, PolicyForm, TimeSpanForm, VenueForm, WeeklyRuleForm
from ..selectors import (
    access_registry_office,
    access_roster_edit,
    access_venue_edit,
)
from .base import BackofficeView, done


class VenueEditView(BackofficeView):
    template_name = "weddings/backoffice/venue_edit.html"

    def _render(self, request, venue, form, status=200):
        context = {"venue": venue, "form": form, "history": audit_lines_for(venue, limit=30)}
        return render(request, self.template_name, context, status=status)

    def get(self, request, slug):
        venue = access_venue_edit(request.user, slug)
        return self._render(request, venue, VenueForm(instance=venue))

    def post(self, request, slug):
        venue = access_venue_edit(request.user, slug)
        form = VenueForm(request.POST, instance=venue)
        if form.is_valid():
            try:
                services.venue_update(actor=request.user, venue=venue, data=form.cleaned_data)
            except services.REFUSALS as error:
                form.add_error(None, error.message)
            else:
                return done(request, reverse("backoffice:venue-edit", args=[slug]), _("Saved."))
        return self._render(request, venue, form, status=422)


def _owner_of(resource: Resource):
    return getattr(resource, "venue", None) or getattr(resource, "registrar", None)


class _RulesView(BackofficeView):
    """Weekly rules and extra openings of one resource (a venue or a registrar)."""

    template_name = "weddings/backoffice/rules.html"

    def owner(self, request, key):
        raise NotImplementedError

    def back_url(self, owner) -> str:
        raise NotImplementedError

    def _render(self, request, owner, rule_form=None, opening_form=None, status=200):
        resource = owner.resource
        context = {
            "owner": owner,
            "back_url": self.back_url(owner),
            "rules": selectors.weekly_rules_of(resource),
            "openings": selectors.extra_openings_ahead(resource),
            "rule_form": rule_form or WeeklyRuleForm(prefix="rule"),
            "opening_form": opening_form or ExtraOpeningForm(prefix="opening"),
            "history": audit_lines_for(owner, limit=30),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, **kwargs):
        return self._render(request, self.owner(request, **kwargs))

    def post(self, request, **kwargs):
        owner = self.owner(request, **kwargs)
        if request.POST.get("kind") == "opening":
            form = ExtraOpeningForm(request.POST, prefix="opening")
            create, forms = scheduling.extra_opening_create, {"opening_form": form}
            text = _("The extra date is open for reservations.")
        else:
            form = WeeklyRuleForm(request.POST, prefix="rule")
            create, forms = scheduling.weekly_rule_create, {"rule_form": form}
            text = _("The weekly rule is added.")
        if form.is_valid():
            try:
                create(
                    actor=request.user,
                    resource=owner.resource,
                    owner=owner,
                    data=form.cleaned_data,
                )
            except services.REFUSALS as error:
                form.add_error(None, error.message)
            else:
                return done(request, request.path, text)
        return self._render(request, owner, status=422, **forms)


class VenueRulesView(_RulesView):
    def owner(self, request, slug):
        return access_venue_edit(request.user, slug)

    def back_url(self, owner):
        return reverse("backoffice:venue", args=[owner.slug])


class RegistrarRulesView(_RulesView):
    def owner(self, request, pk):
        return access_roster_edit(request.user, pk)

    def back_url(self, owner):
        return reverse("backoffice:registrar", args=[owner.pk])


def _rules_url(owner) -> str:
    if hasattr(owner, "slug"):
        return reverse("backoffice:venue-rules", args=[owner.slug])
    return reverse("backoffice:registrar-rules", args=[owner.pk])


def _rule(request, rule_id) -> tuple[WeeklyRule, object]:
    access_registry_office(request.user)
    rule = selectors.weekly_rule_find(rule_id)
    owner = _owner_of(rule.resource) if rule else None
    if owner is None:
        raise Http404
    return rule, owner


class WeeklyRuleEditView(BackofficeView):
    template_name = "weddings/backoffice/rule_edit.html"

    def get(self, request, rule_id):
        rule, owner = _rule(request, rule_id)
        form = WeeklyRuleForm(instance=rule)
        return render(request, self.template_name, {"rule": rule, "owner": owner, "form": form})

    def post(self, request, rule_id):
        rule, owner = _rule(request, rule_id)
        form = WeeklyRuleForm(request.POST, instance=selectors.weekly_rule_find(rule.pk))
        if form.is_valid():
            try:
                scheduling.weekly_rule_update(
                    actor=request.user, rule=rule, owner=owner, data=form.cleaned_data
                )
            except services.REFUSALS as error:
                form.add_error(None, error.message)
            else:
                return done(request, _rules_url(owner), _("The weekly rule is saved."))
        context = {"rule": rule, "owner": owner, "form": form}
        return render(request, self.template_name, context, status=422)


class WeeklyRuleDeleteView(BackofficeView):
    def post(self, request, rule_id):
        rule, owner = _rule(request, rule_id)
        scheduling.weekly_rule_delete(actor=request.user, rule=rule, owner=owner)
        return done(request, _rules_url(owner), _("The weekly rule is removed."))


class ExtraOpeningDeleteView(BackofficeView):
    def post(self, request, opening_id):
        access_registry_office(request.user)
        opening = selectors.extra_opening_find(opening_id)
        owner = _owner_of(opening.resource) if opening else None
        if owner is None:
            raise Http404
        scheduling.extra_opening_delete(actor=request.user, opening=opening, owner=owner)
        return done(request, _rules_url(owner), _("The extra date is removed."))


class ClosureListView(BackofficeView):
    """City-wide closures (holidays of the administration, Weiberfastnacht …)."""

    template_name = "weddings/backoffice/closure_list.html"

    def _render(self, request, form=None, status=200):
        context = {
            "closures": selectors.closures_ahead(None),
            "form": form or TimeSpanForm(),
            "history": audit_lines_with_codes(("scheduling.closure.",), limit=30),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        access_registry_office(request.user)
        return self._render(request)

    def post(self, request):
        access_registry_office(request.user)
        form = TimeSpanForm(request.POST)
        if form.is_valid():
            try:
                scheduling.closure_create(
                    actor=request.user,
                    resource=None,
                    owner=None,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    reason=form.cleaned_data["reason"],
                )
            except services.REFUSALS as error:
                form.add_error(None, error.message)
            else:
                return done(request, request.path, _("The closure is saved."))
        return self._render(request, form, status=422)


class ClosureDeleteView(BackofficeView):
    def post(self, request, closure_id):
        access_registry_office(request.user)
        closure = selectors.closure_find(closure_id, resource_id=None)
        if closure is None:
            raise Http404
        scheduling.closure_delete(actor=request.user, closure=closure, owner=None)
        return done(request, reverse("backoffice:closure-list"), _("The closure is removed."))


class PolicyEditView(BackofficeView):
    template_name = "weddings/backoffice/policy_edit.html"

    def _render(self, request, form, status=200):
        policy = reservation_policy()
        history = audit_lines_for(policy, limit=30) if policy.pk else []
        return render(
            request, self.template_name, {"form": form, "history": history}, status=status
        )

    def get(self, request):
        access_registry_office(request.user)
        return self._render(request, PolicyForm(initial=model_to_dict(reservation_policy())))

    def post(self, request):
        access_registry_office(request.user)
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                services.reservation_policy_update(actor=request.user, data=form.cleaned_data)
            except services.REFUSALS as error:
                form.add_error(None, error.message)
            else:
                return done(request, request.path, _("The reservation rules are saved."))
        return self._render(request, form, status=422)
