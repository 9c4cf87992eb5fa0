"""The explained result in the user's language: sections of (label, value) rows.

Shared by the HTML pages and the PDF, so that both show the same steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .calculation import BenefitCalculation, NoBenefitReason, SubsidyType
from .income import IncomeCalculation
from .tables import ROMAN_RENT_LEVELS


@dataclass
class Row:
    label: str
    value: str
    note: str = ""


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    first_column: str = ""  # the PDF's heading of the label column; "Step" when empty


def number(value: Decimal, places: int | None = None) -> str:
    if places is None:
        places = max(2, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def eur(value: Decimal | int, places: int = 2) -> str:
    return _("%(amount)s EUR") % {"amount": number(Decimal(value), places)}


def _legal(result: BenefitCalculation) -> Section:
    section = Section(_("Legal basis"))
    section.rows.append(Row(_("Date"), formats.date_format(result.on, "DATE_FORMAT")))
    note = (
        ""
        if result.period_confirmed
        else _("The values for this date are not yet confirmed; the last known values are used.")
    )
    section.rows.append(Row(_("Legal period"), result.period.title, note))
    kind = _("Rent subsidy (Mietzuschuss)")
    if result.subsidy_type == SubsidyType.BURDEN:
        kind = _("Burden subsidy for owners (Lastenzuschuss)")
    section.rows.append(Row(_("Type"), kind))
    section.rows.append(Row(_("Rent level"), ROMAN_RENT_LEVELS[result.rent_level]))
    section.rows.append(Row(_("Household members"), str(result.household_members)))
    section.rows.append(Row(_("Members counted"), str(result.members_counted)))
    return section


def _rent(result: BenefitCalculation) -> Section:
    r = result.rent
    section = Section(_("Rent or burden counted (M)"))
    rows = section.rows
    rows.append(Row(_("Rent or burden of the household"), eur(r.rent)))
    table_note = ngettext(
        "values for %(count)s member", "values for %(count)s members", r.table_members
    ) % {"count": r.table_members}
    rows.append(Row(_("Maximum amount (Anlage 1 WoGG)"), eur(r.maximum_rent), table_note))
    rows.append(Row(_("Climate component (§ 12 Abs. 7 WoGG)"), eur(r.climate_component)))
    rows.append(Row(_("Cap: maximum amount + climate component"), eur(r.rent_cap)))
    rows.append(Row(_("Heating cost relief (§ 12 Abs. 6 WoGG)"), eur(r.heating_relief)))
    if r.share != 1:
        share = f"{r.share.numerator}/{r.share.denominator}"
        note = _("§ 11 Abs. 3 WoGG: only the share of the counted members")
        rows.append(Row(_("Share counted"), share, note))
        rows.append(Row(_("Share of the rent or burden"), eur(r.rent_share, 10)))
        rows.append(Row(_("Share of the cap"), eur(r.rent_cap_share, 10)))
        rows.append(Row(_("Share of the heating cost relief"), eur(r.heating_relief_share, 10)))
    note = _("the cap applies") if r.rent_above_cap else _("below the cap")
    rows.append(Row(_("Rent or burden counted"), eur(r.rent_counted), note))
    rows.append(Row(_("M = counted rent + heating cost relief"), eur(r.total)))
    return section


def _income(income: IncomeCalculation) -> Section:
    section = Section(_("Monthly total income (Y)"))
    for position, member in enumerate(income.members, 1):
        if not member.gross:
            continue
        prefix = _("Member %(number)s") % {"number": position}
        section.rows += [
            Row(f"{prefix}: " + _("gross income"), eur(member.gross)),
            Row(
                f"{prefix}: " + _("income-related expenses (Werbungskosten)"),
                "− " + eur(member.expenses),
            ),
            Row(
                f"{prefix}: "
                + _("flat deduction § 16 WoGG (%(percent)s %%)")
                % {"percent": int(member.deduction_rate * 100)},
                "− " + eur(member.deduction),
            ),
            Row(f"{prefix}: " + _("income counted"), eur(member.income)),
        ]
    labels = {
        "severe_disability": _("Allowance for severe disability (§ 17 Nr. 1 WoGG)"),
        "persecution_victim": _("Allowance for victims of persecution (§ 17 Nr. 2 WoGG)"),
        "single_parent": _("Allowance for single parents (§ 17 Nr. 3 WoGG)"),
        "child_earnings": _("Allowance for a child's earnings (§ 17 Nr. 4 WoGG)"),
        "basic_pension": _("Basic pension allowance (§ 17a WoGG)"),
        "maintenance_paid": _("Maintenance paid (§ 18 WoGG)"),
    }
    for allowance in income.allowances:
        note = _("Member %(number)s") % {"number": allowance.member}
        section.rows.append(Row(labels[allowance.code], "− " + eur(allowance.amount), note))
    section.rows.append(Row(_("Y = monthly total income"), eur(income.monthly_income)))
    return section


def _formula(result: BenefitCalculation) -> Section:
    f = result.formula
    k = f.coefficients
    section = Section(_("Formula (§ 19 WoGG, Anlage 3)"))
    rows = section.rows
    note = ngettext(
        "values for %(count)s counted member",
        "values for %(count)s counted members",
        f.formula_members,
    ) % {"count": f.formula_members}
    rows.append(Row("a / b / c", f"{number(k.a)} / {number(k.b)} / {number(k.c)}", note))
    minimum = _("minimum value %(amount)s") % {"amount": eur(f.m_minimum)}
    if f.m_minimum_applied:
        minimum += " – " + _("applied")
    rows.append(Row("M", eur(f.m), minimum))
    minimum = _("minimum value %(amount)s") % {"amount": eur(f.y_minimum)}
    if f.y_minimum_applied:
        minimum += " – " + _("applied")
    rows.append(Row("Y", eur(f.y), minimum))
    rows.append(Row("z1 = a + b · M + c · Y", number(f.z1, 10)))
    rows.append(Row("z2 = z1 · Y", number(f.z2, 10)))
    rows.append(Row("z3 = M − z2", number(f.z3, 10)))
    rows.append(Row(f"z4 = {number(result.period.formula_factor)} · z3", number(f.z4, 10)))
    rows.append(Row(_("Formula with numbers"), formula_with_numbers(result)))
    rows.append(
        Row(_("Rounded to whole euros"), eur(f.rounded, 0), _("from 0.50 EUR up, otherwise down"))
    )
    return section


def formula_with_numbers(result: BenefitCalculation) -> str:
    """§ 19 Abs. 1 with the numbers of this case, in the user's number format."""
    f, k = result.formula, result.formula.coefficients
    m, y = number(f.m), number(f.y)
    return (
        f"{number(result.period.formula_factor)} · ({m} − ({number(k.a)} + {number(k.b)} · {m}"
        f" + {number(k.c)} · {y}) · {y}) = {number(f.z4, 10)}"
    )


def _result(result: BenefitCalculation) -> Section:
    section = Section(_("Result"))
    rows = section.rows
    if result.extra_members:
        label = ngettext(
            "Plus %(amount)s for %(count)s member above 12 (§ 19 Abs. 3 WoGG)",
            "Plus %(amount)s each for %(count)s members above 12 (§ 19 Abs. 3 WoGG)",
            result.extra_members,
        ) % {"amount": eur(result.period.per_member_above_12, 0), "count": result.extra_members}
        rows.append(Row(label, "+ " + eur(result.extra_amount, 0)))
        if result.capped_at_m:
            rows.append(Row(_("Capped at the rent or burden counted"), eur(result.before_minimum)))
    threshold = _("no Wohngeld below %(amount)s (§ 21 Nr. 1 WoGG)") % {
        "amount": eur(result.minimum_benefit, 0)
    }
    rows.append(Row(_("Amount before the minimum test"), eur(result.before_minimum, 0), threshold))
    rows.append(Row(_("Wohngeld per month"), eur(result.wohngeld, 0), reason_text(result.reason)))
    return section


def reason_text(reason: NoBenefitReason | None) -> str:
    if reason == NoBenefitReason.FORMULA_NOT_POSITIVE:
        return _("The income is too high for this rent and household size.")
    if reason == NoBenefitReason.BELOW_MINIMUM:
        return _("The amount would be less than 10 EUR a month.")
    return ""


def explanation_sections(
    result: BenefitCalculation, income: IncomeCalculation | None = None
) -> list[Section]:
    sections = [_legal(result), _rent(result)]
    if income is not None:
        sections.append(_income(income))
    sections += [_formula(result), _result(result)]
    return sections
