"""The gross path: from gross monthly incomes to Y, and on to the Wohngeld."""

from datetime import date
from decimal import Decimal

import pytest

from rathaus.housing_benefit.calculation import CalculationError
from rathaus.housing_benefit.income import (
    Income,
    IncomeKind,
    MaintenancePaid,
    MaintenanceRecipient,
    Member,
    housing_benefit_calculate_gross,
    monthly_income_calculate,
)

from .official_examples import BMWSB_EXAMPLES, CALCULATOR_EXAMPLES

D = Decimal
ON = date(2025, 7, 1)


def y_of(*members: Member, on: date = ON) -> Decimal:
    return monthly_income_calculate(on=on, members=members).monthly_income


@pytest.mark.parametrize(
    "example",
    [e for e in (*BMWSB_EXAMPLES, *CALCULATOR_EXAMPLES) if e.members],
    ids=lambda e: f"{e.source[:7]}-{e.number}",
)
def test_published_examples_from_gross_income(example):
    result = housing_benefit_calculate_gross(
        on=example.on,
        rent_level=example.rent_level,
        household_members=example.household_members,
        members_counted=example.members_counted,
        rent=example.rent,
        members=example.members,
        subsidy_type=example.subsidy_type,
    )
    assert result.income.monthly_income == example.y
    assert result.benefit.wohngeld == example.wohngeld


def test_example_1_steps():
    member = Member(incomes=(Income(IncomeKind.PENSION, D(1300)),), pays_health_insurance=True)
    steps = monthly_income_calculate(on=ON, members=[member]).members[0]
    assert steps.expenses == D("8.50")
    assert steps.after_expenses == D("1291.50")
    assert steps.deduction_rate == D("0.10")
    assert steps.deduction == D("129.15")
    assert steps.income == D("1162.35")


def test_example_3_severe_disability_allowance():
    result = monthly_income_calculate(on=ON, members=BMWSB_EXAMPLES[2].members)
    assert result.total_before_allowances == D("1739.70")
    assert [(a.code, a.member, a.amount) for a in result.allowances] == [
        ("severe_disability", 1, D(150))
    ]


def test_example_11_basic_pension_allowance_is_capped():
    result = monthly_income_calculate(on=ON, members=BMWSB_EXAMPLES[10].members)
    assert [(a.code, a.amount) for a in result.allowances] == [("basic_pension", D("281.50"))]


def test_basic_pension_allowance_below_the_cap_and_the_2023_cap():
    member = Member(incomes=(Income(IncomeKind.PENSION, D(500)),), basic_pension_33_years=True)
    allowance = monthly_income_calculate(on=ON, members=[member]).allowances[0]
    assert allowance.amount == D(100) + D(400) * D("0.30")  # 220
    big = Member(incomes=(Income(IncomeKind.PENSION, D(2000)),), basic_pension_33_years=True)
    assert monthly_income_calculate(on=date(2023, 6, 1), members=[big]).allowances[0].amount == 251


def test_no_flat_deduction_for_unemployment_benefit_and_maintenance():
    alg = Member(incomes=(Income(IncomeKind.UNEMPLOYMENT_BENEFIT, D(1000)),))
    upkeep = Member(incomes=(Income(IncomeKind.MAINTENANCE_RECEIVED, D(300)),))
    assert y_of(alg, upkeep) == D(1300)


def test_flat_deductions_of_10_20_30_percent():
    wage = (Income(IncomeKind.EMPLOYMENT, D("1102.50")),)  # 1000 after the lump sum
    assert y_of(Member(incomes=wage)) == D(1000)
    assert y_of(Member(incomes=wage, pays_income_tax=True)) == D(900)
    assert y_of(Member(incomes=wage, pays_income_tax=True, pays_health_insurance=True)) == 800
    every = Member(
        incomes=wage, pays_income_tax=True, pays_health_insurance=True, pays_pension_insurance=True
    )
    assert y_of(every) == D(700)


def test_self_employment_profit_has_no_lump_sum():
    member = Member(incomes=(Income(IncomeKind.SELF_EMPLOYMENT, D(2000)),), pays_income_tax=True)
    assert y_of(member) == D(1800)


def test_werbungskosten_lump_sum_never_exceeds_the_income():
    tiny = Member(incomes=(Income(IncomeKind.EMPLOYMENT, D(50)),))
    steps = monthly_income_calculate(on=ON, members=[tiny]).members[0]
    assert steps.expenses == D(50)
    assert steps.income == 0


def test_higher_werbungskosten_shown_replace_the_lump_sum():
    shown = Member(incomes=(Income(IncomeKind.EMPLOYMENT, D(2000), monthly_expenses=D(250)),))
    lower = Member(incomes=(Income(IncomeKind.EMPLOYMENT, D(2000), monthly_expenses=D(20)),))
    assert y_of(shown) == D(1750)
    assert y_of(lower) == D("1897.50")


def test_one_lump_sum_per_kind_and_member():
    two_jobs = Member(
        incomes=(Income(IncomeKind.EMPLOYMENT, D(1000)), Income(IncomeKind.EMPLOYMENT, D(500)))
    )
    job_and_pension = Member(
        incomes=(Income(IncomeKind.EMPLOYMENT, D(1000)), Income(IncomeKind.PENSION, D(500)))
    )
    assert y_of(two_jobs) == D("1397.50")
    assert y_of(job_and_pension) == D("1389.00")


def test_single_parent_and_child_earnings_allowances():
    parent = Member(incomes=(Income(IncomeKind.EMPLOYMENT, D("1102.50")),), single_parent=True)
    child = Member(incomes=(Income(IncomeKind.EMPLOYMENT, D("402.50")),), child_under_25=True)
    result = monthly_income_calculate(on=ON, members=[parent, child])
    assert [(a.code, a.amount) for a in result.allowances] == [
        ("single_parent", D(110)),
        ("child_earnings", D(100)),  # 300 earned, at most 1200 a year
    ]
    assert result.monthly_income == D(1000) + D(300) - D(110) - D(100)


def test_maintenance_paid_is_capped_unless_fixed_by_title():
    wage = (Income(IncomeKind.SELF_EMPLOYMENT, D(3000)),)
    capped = Member(
        incomes=wage,
        maintenance_paid=(MaintenancePaid(MaintenanceRecipient.FORMER_SPOUSE, D(800)),),
    )
    titled = Member(
        incomes=wage,
        maintenance_paid=(MaintenancePaid(MaintenanceRecipient.FORMER_SPOUSE, D(800), True),),
    )
    other = Member(
        incomes=wage,
        maintenance_paid=(MaintenancePaid(MaintenanceRecipient.OTHER_PERSON, D(100)),),
    )
    assert y_of(capped) == D(2500)  # 6000 a year = 500 a month
    assert y_of(titled) == D(2200)
    assert y_of(other) == D(2900)


def test_y_is_never_negative_and_nobody_with_income_is_fine():
    payer = Member(
        maintenance_paid=(MaintenancePaid(MaintenanceRecipient.OTHER_PERSON, D(200)),),
        severely_disabled=True,
    )
    assert y_of(payer) == 0
    assert y_of() == 0


def test_more_income_entries_than_counted_members_is_an_error():
    with pytest.raises(CalculationError) as caught:
        housing_benefit_calculate_gross(
            on=ON,
            rent_level=3,
            household_members=2,
            members_counted=1,
            rent=D(500),
            members=[Member(), Member()],
        )
    assert caught.value.code == "too_many_members"


@pytest.mark.parametrize("field", ["monthly_gross", "monthly_expenses"])
def test_negative_income_is_an_error(field):
    values = {"monthly_gross": D(100), "monthly_expenses": None, field: D(-1)}
    member = Member(incomes=(Income(IncomeKind.EMPLOYMENT, **values),))
    with pytest.raises(CalculationError) as caught:
        monthly_income_calculate(on=ON, members=[member])
    assert caught.value.code == "negative"


def test_before_2023_is_an_error():
    with pytest.raises(CalculationError) as caught:
        monthly_income_calculate(on=date(2022, 6, 1), members=[])
    assert caught.value.field == "on"
