"""From gross monthly incomes to the monthly total income Y (§§ 13–18, 17a WoGG). Pure.

Per counted member: gross income minus Werbungskosten (the EStG lump sums unless higher costs
are shown), minus the flat deductions of § 16 (10 % each for income tax, KV/PV, RV). Summed
over the members, minus the allowances of §§ 17, 17a and the maintenance paid (§ 18), all as
monthly twelfths. This is the monthly view the BMWSB examples use; it equals annual / 12.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .calculation import (
    MAX_AMOUNT,
    BenefitCalculation,
    CalculationError,
    SubsidyType,
    housing_benefit_calculate,
)
from .tables import IncomeRules, NoLegalPeriod, period_for, standard_needs_level_1

MONTHS = Decimal(12)
ZERO = Decimal(0)


class IncomeKind(StrEnum):
    EMPLOYMENT = "employment"  # wages and salaries; Arbeitnehmer-Pauschbetrag
    PENSION = "pension"  # pensions, counted in full; lump sum 102 EUR a year
    UNEMPLOYMENT_BENEFIT = "unemployment_benefit"  # ALG I, Krankengeld and similar; no lump sum
    SELF_EMPLOYMENT = "self_employment"  # profit, already net of business expenses
    MINIJOB = "minijob"  # flat-taxed minijob (§ 40a EStG), counted in full
    MAINTENANCE_RECEIVED = "maintenance_received"  # Unterhalt received
    MAINTENANCE_ADVANCE = "maintenance_advance"  # Unterhaltsvorschuss
    OTHER = "other"  # other income of § 14 Abs. 2 WoGG, counted in full


EARNED_KINDS = frozenset({IncomeKind.EMPLOYMENT, IncomeKind.SELF_EMPLOYMENT, IncomeKind.MINIJOB})


class MaintenanceRecipient(StrEnum):
    MEMBER_IN_EDUCATION_AWAY = "member_in_education_away"  # § 18 Nr. 1
    CHILD_ALTERNATING = "child_alternating"  # § 18 Nr. 2 (child living with the other parent)
    FORMER_SPOUSE = "former_spouse"  # § 18 Nr. 3
    OTHER_PERSON = "other_person"  # § 18 Nr. 4


@dataclass(frozen=True)
class Income:
    kind: IncomeKind
    monthly_gross: Decimal
    monthly_expenses: Decimal | None = None  # Werbungskosten actually shown, if any


@dataclass(frozen=True)
class MaintenancePaid:
    recipient: MaintenanceRecipient
    monthly_amount: Decimal
    fixed_by_title: bool = False  # title, notarial agreement or decision: deductible as fixed


@dataclass(frozen=True)
class Member:
    """One counted household member (excluded members are not listed)."""

    incomes: tuple[Income, ...] = ()
    pays_income_tax: bool = False
    pays_health_insurance: bool = False  # KV/PV, compulsory or comparable
    pays_pension_insurance: bool = False  # RV, compulsory or comparable
    severely_disabled: bool = False  # § 17 Nr. 1: GdB 100, or GdB < 100 with care at home
    persecution_victim: bool = False  # § 17 Nr. 2
    single_parent: bool = False  # § 17 Nr. 3
    child_under_25: bool = False  # § 17 Nr. 4: own earnings are partly free
    basic_pension_33_years: bool = False  # § 17a: at least 33 years of Grundrentenzeiten
    maintenance_paid: tuple[MaintenancePaid, ...] = ()


@dataclass(frozen=True)
class MemberIncome:
    gross: Decimal
    expenses: Decimal  # Werbungskosten deducted
    after_expenses: Decimal
    deduction_rate: Decimal  # 0, 0.1, 0.2 or 0.3
    deduction: Decimal
    income: Decimal  # counted monthly income of the member


@dataclass(frozen=True)
class Allowance:
    code: str  # severe_disability, persecution_victim, single_parent, child_earnings,
    #            basic_pension, maintenance_paid
    member: int  # 1-based position in the list of counted members
    amount: Decimal  # per month


@dataclass(frozen=True)
class IncomeCalculation:
    members: tuple[MemberIncome, ...]
    allowances: tuple[Allowance, ...]
    total_before_allowances: Decimal
    total_allowances: Decimal
    monthly_income: Decimal  # Y, never below 0


def monthly_income_calculate(*, on: date, members: tuple[Member, ...] | list[Member]):
    """Y of the counted members, with every step."""
    try:
        period = period_for(on)
        needs = standard_needs_level_1(on)
    except NoLegalPeriod as error:
        raise CalculationError("on", "before_first_period", str(error)) from error
    rules = period.income
    _validate(members)
    member_steps = tuple(_member_income(rules, member) for member in members)
    allowances: list[Allowance] = []
    for position, (member, steps) in enumerate(zip(members, member_steps, strict=True), 1):
        allowances.extend(_allowances(rules, needs, position, member, steps))
    before = sum((m.income for m in member_steps), ZERO)
    deducted = sum((a.amount for a in allowances), ZERO)
    return IncomeCalculation(
        members=member_steps,
        allowances=tuple(allowances),
        total_before_allowances=before,
        total_allowances=deducted,
        monthly_income=max(ZERO, before - deducted),
    )


def _validate(members) -> None:
    for position, member in enumerate(members, 1):
        amounts = [(i.monthly_gross, "monthly_gross") for i in member.incomes]
        amounts += [(i.monthly_expenses, "monthly_expenses") for i in member.incomes]
        amounts += [(p.monthly_amount, "monthly_amount") for p in member.maintenance_paid]
        for amount, name in amounts:
            if amount is None:
                continue
            if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
                raise CalculationError(
                    f"incomes[{position}].{name}", "negative", f"{name} must not be negative"
                )
            if amount > MAX_AMOUNT:
                raise CalculationError(
                    f"incomes[{position}].{name}", "too_large", f"{name} is implausibly large"
                )


def _expenses(incomes: list[Income], lump_sum_year: Decimal) -> Decimal:
    """Werbungskosten for one kind: the lump sum unless more is shown, never above the income."""
    gross = sum((i.monthly_gross for i in incomes), ZERO)
    shown = sum((i.monthly_expenses or ZERO for i in incomes), ZERO)
    return min(gross, max(lump_sum_year / MONTHS, shown))


def _member_income(rules: IncomeRules, member: Member) -> MemberIncome:
    gross = sum((i.monthly_gross for i in member.incomes), ZERO)
    expenses = ZERO
    for kind, lump_sum in (
        (IncomeKind.EMPLOYMENT, rules.employment_expenses_year),
        (IncomeKind.PENSION, rules.pension_expenses_year),
    ):
        of_kind = [i for i in member.incomes if i.kind == kind]
        if of_kind:
            expenses += _expenses(of_kind, lump_sum)
    after = gross - expenses
    categories = (member.pays_income_tax, member.pays_health_insurance)
    categories += (member.pays_pension_insurance,)
    rate = rules.flat_deduction_rate * sum(categories)
    deduction = after * rate
    return MemberIncome(
        gross=gross,
        expenses=expenses,
        after_expenses=after,
        deduction_rate=rate,
        deduction=deduction,
        income=after - deduction,
    )


def _earned_income(rules: IncomeRules, member: Member, rate: Decimal) -> Decimal:
    """The counted part of a member's earned income (after Werbungskosten and § 16)."""
    earned = [i for i in member.incomes if i.kind in EARNED_KINDS]
    gross = sum((i.monthly_gross for i in earned), ZERO)
    wages = [i for i in earned if i.kind == IncomeKind.EMPLOYMENT]
    expenses = _expenses(wages, rules.employment_expenses_year) if wages else ZERO
    return (gross - expenses) * (1 - rate)


def _basic_pension_allowance(
    rules: IncomeRules, needs: Decimal, member: Member, rate: Decimal
) -> Decimal:
    """§ 17a: 100 EUR of the pension plus 30 % of the rest, at most 50 % of RBS 1.

    Never more than the pension as counted (after Werbungskosten and § 16), so that the
    allowance cannot reduce other income.
    """
    pensions = [i for i in member.incomes if i.kind == IncomeKind.PENSION]
    pension = sum((i.monthly_gross for i in pensions), ZERO)
    base = min(pension, rules.basic_pension_base)
    amount = min(
        base + (pension - base) * rules.basic_pension_rate, needs * rules.basic_pension_cap_share
    )
    expenses = _expenses(pensions, rules.pension_expenses_year) if pensions else ZERO
    return min(amount, (pension - expenses) * (1 - rate))


def _maintenance_cap(rules: IncomeRules, recipient: MaintenanceRecipient) -> Decimal:
    return {
        MaintenanceRecipient.MEMBER_IN_EDUCATION_AWAY: rules.maintenance_education_away_year,
        MaintenanceRecipient.CHILD_ALTERNATING: rules.maintenance_child_alternating_year,
        MaintenanceRecipient.FORMER_SPOUSE: rules.maintenance_former_spouse_year,
        MaintenanceRecipient.OTHER_PERSON: rules.maintenance_other_person_year,
    }[MaintenanceRecipient(recipient)] / MONTHS


def _allowances(
    rules: IncomeRules, needs: Decimal, position: int, member: Member, steps: MemberIncome
) -> list[Allowance]:
    found: list[Allowance] = []

    def add(code: str, amount: Decimal) -> None:
        if amount > 0:
            found.append(Allowance(code=code, member=position, amount=amount))

    if member.severely_disabled:
        add("severe_disability", rules.severe_disability_year / MONTHS)
    if member.persecution_victim:
        add("persecution_victim", rules.persecution_victim_year / MONTHS)
    if member.single_parent:
        add("single_parent", rules.single_parent_year / MONTHS)
    if member.child_under_25:
        earned = _earned_income(rules, member, steps.deduction_rate)
        add("child_earnings", min(earned, rules.child_earnings_year / MONTHS))
    if member.basic_pension_33_years:
        add("basic_pension", _basic_pension_allowance(rules, needs, member, steps.deduction_rate))
    for payment in member.maintenance_paid:
        amount = payment.monthly_amount
        if not payment.fixed_by_title:
            amount = min(amount, _maintenance_cap(rules, payment.recipient))
        add("maintenance_paid", amount)
    return found


@dataclass(frozen=True)
class GrossCalculation:
    income: IncomeCalculation
    benefit: BenefitCalculation


def housing_benefit_calculate_gross(
    *,
    on: date,
    rent_level: int,
    household_members: int,
    rent: Decimal,
    members: tuple[Member, ...] | list[Member],
    members_counted: int | None = None,
    subsidy_type: SubsidyType = SubsidyType.RENT,
) -> GrossCalculation:
    """Wohngeld from gross incomes: Y from `members` (the counted ones), then the formula."""
    counted = household_members if members_counted is None else members_counted
    if len(members) > counted:
        raise CalculationError(
            "incomes", "too_many_members", "more income entries than counted members"
        )
    income = monthly_income_calculate(on=on, members=members)
    benefit = housing_benefit_calculate(
        on=on,
        rent_level=rent_level,
        household_members=household_members,
        members_counted=counted,
        rent=rent,
        monthly_income=income.monthly_income,
        subsidy_type=subsidy_type,
    )
    return GrossCalculation(income=income, benefit=benefit)
