"""Thin views: the public pre-check, the staff calculator and the caseload planning."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from rathaus.accounts.access import staff_page
from rathaus.core.timezone import local_today

from .calculation import CalculationError, SubsidyType, housing_benefit_calculate
from .constants import CITY_RENT_LEVEL, DEFAULT_COUNSELLING_URL
from .entries import entries_section
from .explanation import explanation_sections, reason_text
from .forms import (
    CalculationForm,
    CaseloadForm,
    IncomeRowFormSet,
    PreCheckForm,
    precheck_members,
    precheck_rows_fit,
)
from .handover import counselling_link, precheck_summary
from .pdf import explanation_pdf, pdf_footer
from .planning import CaseloadInputs, caseload_chart, caseload_plan
from .precheck import PreCheckAnswers, PreCheckReason, precheck_evaluate
from .selectors import access_housing_benefit_staff, precheck_counts_recent
from .services import precheck_count_record
from .tables import ROMAN_RENT_LEVELS


def staff_required(view):
    """Signed in, this office, and the TOTP second factor where required (as the back office)."""
    return staff_page(access_housing_benefit_staff)(view)


@staff_required
def staff_home(request):
    """The Wohngeldstelle's entry in the staff shell: its daily tool, the caseload planning."""
    return redirect("housing_benefit_staff:caseload-plan")


def _counselling_url() -> str:
    return getattr(settings, "HOUSING_BENEFIT_COUNSELLING_URL", DEFAULT_COUNSELLING_URL)


def _precheck_forms(request):
    data = request.POST if request.method == "POST" else None
    return PreCheckForm(data), IncomeRowFormSet(data, prefix="income")


def _precheck_outcome(form, formset):
    """The outcome of a submitted pre-check, or None when the input is not valid."""
    if not (form.is_valid() and formset.is_valid() and precheck_rows_fit(form, formset)):
        return None
    data = form.cleaned_data
    answers = PreCheckAnswers(
        on=local_today(),
        rent_level=CITY_RENT_LEVEL,
        household_members=data["household_members"],
        excluded_members=data["excluded_members"],
        subsidy_type=SubsidyType(data["subsidy_type"]),
        rent=data["rent"],
        members=tuple(precheck_members(form, formset)),
    )
    try:
        return precheck_evaluate(answers)
    except CalculationError as error:
        form.add_error(None, error.message)
        return None


PRECHECK_REASONS = {
    PreCheckReason.ALL_EXCLUDED: lambda: _(
        "Everyone in your household receives a benefit that already covers housing costs "
        "(such as Bürgergeld). Wohngeld cannot be paid in addition."
    ),
    PreCheckReason.INCOME_TOO_HIGH: lambda: _(
        "Your household income is too high for your rent and household size."
    ),
    PreCheckReason.BELOW_MINIMUM: lambda: _(
        "The Wohngeld would be less than 10 EUR a month; it is not paid."
    ),
}


class PreCheckView(View):
    """GET: the form. POST: the answer. Nothing is stored except the anonymous monthly count."""

    def get(self, request):
        form, formset = _precheck_forms(request)
        return self._form(request, form, formset)

    def post(self, request):
        form, formset = _precheck_forms(request)
        if "edit" in request.POST:  # "Change entries" on the result page: the form, filled in
            return self._form(request, form, formset)
        outcome = _precheck_outcome(form, formset)
        if outcome is None:
            return self._form(request, form, formset, status=422)
        precheck_count_record(positive=outcome.likely)
        calculation = outcome.calculation
        context = {
            "outcome": outcome,
            "reason": PRECHECK_REASONS[outcome.reason]() if outcome.reason else "",
            "sections": (
                explanation_sections(calculation.benefit, calculation.income) if calculation else []
            ),
            "entries": entries_section(form, formset),
            "form": form,
            "formset": formset,
            "counselling_url": counselling_link(
                _counselling_url(),
                precheck_summary(
                    eligible=outcome.likely,
                    amount=outcome.amount,
                    household_members=form.cleaned_data["household_members"],
                    rent_level=CITY_RENT_LEVEL,
                    on=local_today(),
                ),
            ),
        }
        return render(request, "housing_benefit/precheck_result.html", context)

    def _form(self, request, form, formset, status=200):
        context = {
            "form": form,
            "formset": formset,
            "rent_level": ROMAN_RENT_LEVELS[CITY_RENT_LEVEL],
            "city_rent_level": CITY_RENT_LEVEL,
        }
        return render(request, "housing_benefit/precheck_form.html", context, status=status)


class PreCheckPdfView(View):
    """The explained pre-check result as a PDF, from the re-submitted answers (not stored)."""

    def post(self, request):
        form, formset = _precheck_forms(request)
        outcome = _precheck_outcome(form, formset)
        if outcome is None or outcome.calculation is None:
            return redirect("housing_benefit:precheck")
        calculation = outcome.calculation
        return _pdf_response(
            title=_("Wohngeld pre-check"),
            intro=_("Your answers were not stored. Result: %(result)s")
            % {"result": _precheck_headline(outcome)},
            sections=[
                entries_section(form, formset),
                *explanation_sections(calculation.benefit, calculation.income),
            ],
            filename="wohngeld-vorabcheck.pdf",
        )


def _precheck_headline(outcome) -> str:
    if outcome.likely:
        return _("likely entitled to about %(amount)s EUR a month") % {"amount": outcome.amount}
    return _("not likely entitled")


def _pdf_response(*, title, intro, sections, filename) -> HttpResponse:
    content = explanation_pdf(title=title, intro=intro, sections=sections, footer=pdf_footer())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _staff_calculation(form):
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return housing_benefit_calculate(
            on=data["on"],
            rent_level=data["rent_level"],
            household_members=data["household_members"],
            members_counted=data["members_counted"],
            rent=data["rent"],
            monthly_income=data["monthly_income"],
            subsidy_type=SubsidyType(data["subsidy_type"]),
        )
    except CalculationError as error:
        form.add_error(None, error.message)
        return None


@method_decorator(staff_required, name="dispatch")
class CalculationView(View):
    """Staff calculator (Y known) with every step shown."""

    def get(self, request):
        form = CalculationForm(request.GET or None)
        result = _staff_calculation(form)
        context = {
            "form": form,
            "result": result,
            "reason": reason_text(result.reason) if result else "",
            "sections": explanation_sections(result) if result else [],
        }
        status = 422 if form.is_bound and result is None else 200
        return render(request, "housing_benefit/calculation_form.html", context, status=status)


@method_decorator(staff_required, name="dispatch")
class CalculationPdfView(View):
    def get(self, request):
        form = CalculationForm(request.GET)
        result = _staff_calculation(form)
        if result is None:
            return redirect("housing_benefit_staff:calculation")
        return _pdf_response(
            title=_("Wohngeld calculation"),
            intro=_("Wohngeld per month: %(amount)s EUR") % {"amount": result.wohngeld},
            sections=explanation_sections(result),
            filename="wohngeld-berechnung.pdf",
        )


@method_decorator(staff_required, name="dispatch")
class CaseloadPlanView(View):
    def get(self, request):
        form = CaseloadForm(request.GET or None)
        if not form.is_bound:
            form = CaseloadForm({name: f.initial for name, f in CaseloadForm.base_fields.items()})
        plan = chart = None
        if form.is_valid():
            plan = caseload_plan(CaseloadInputs(start=local_today(), **form.cleaned_data))
            chart = caseload_chart(plan)
        counts = precheck_counts_recent(months=12)
        context = {
            "form": form,
            "plan": plan,
            "chart": chart,
            "peak": max((month.staff for month in plan), default=None) if plan else None,
            "counts": counts,
            "checks_total": sum(c.checks for c in counts),
            "positive_total": sum(c.positive for c in counts),
        }
        return render(request, "housing_benefit/caseload_plan.html", context)
