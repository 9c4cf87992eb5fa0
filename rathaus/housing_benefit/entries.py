"""The pre-check answers as the server read them, shown back on the result page and in the PDF.

Repeating the figures makes a wrong reading visible (e.g. "450,00" read as 45000).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .explanation import Row, Section, eur
from .forms import INCOME_CHOICES, MAINTENANCE_CHOICES, SUBSIDY_CHOICES


def _choice(choices, value) -> str:
    return str(dict(choices).get(value, value))


def _deductions(data: dict) -> str:
    names = [
        _("income tax") if data.get("income_tax") else "",
        _("health and care insurance") if data.get("health_insurance") else "",
        _("pension insurance") if data.get("pension_insurance") else "",
    ]
    return ", ".join(name for name in names if name) or _("none")


def entries_section(form, formset) -> Section:
    data = form.cleaned_data
    section = Section(_("Your entries"), first_column=_("Entry"))
    rows = section.rows
    rows.append(Row(_("People in the household"), str(data["household_members"])))
    rows.append(Row(_("Of them receiving Bürgergeld or similar"), str(data["excluded_members"])))
    rows.append(Row(_("Rent or own"), _choice(SUBSIDY_CHOICES, data["subsidy_type"])))
    rows.append(Row(_("Rent or burden per month"), eur(data["rent"])))
    for number, row in enumerate(formset, start=1):
        income = row.cleaned_data
        if not income.get("kind"):
            continue
        rows.append(
            Row(
                _("Person %(number)s: %(kind)s")
                % {"number": number, "kind": _choice(INCOME_CHOICES, income["kind"])},
                eur(income["amount"]),
                _("Deductions: %(list)s") % {"list": _deductions(income)},
            )
        )
    rows.append(Row(_("Single parent"), _("yes") if data["single_parent"] else _("no")))
    rows.append(Row(_("Members with severe disability or care"), str(data["severely_disabled"])))
    if data.get("maintenance_paid"):
        recipient = data.get("maintenance_recipient")
        rows.append(
            Row(
                _("Maintenance paid per month"),
                eur(data["maintenance_paid"]),
                _choice(MAINTENANCE_CHOICES, recipient) if recipient else "",
            )
        )
    return section
