"""The pre-check outcome (pure)."""

from datetime import date
from decimal import Decimal

from rathaus.housing_benefit.calculation import SubsidyType
from rathaus.housing_benefit.income import Income, IncomeKind, Member
from rathaus.housing_benefit.precheck import PreCheckAnswers, PreCheckReason, precheck_evaluate

D = Decimal
PENSIONER = Member(incomes=(Income(IncomeKind.PENSION, D(1300)),), pays_health_insurance=True)


def answers(**changes):
    values = {
        "on": date(2026, 3, 1),
        "rent_level": 3,
        "household_members": 1,
        "excluded_members": 0,
        "subsidy_type": SubsidyType.RENT,
        "rent": D(420),
        "members": (PENSIONER,),
    }
    return PreCheckAnswers(**{**values, **changes})


def test_likely_entitled_pensioner_in_bottrop():
    outcome = precheck_evaluate(answers())
    assert outcome.likely and outcome.amount == 153
    assert outcome.reason is None
    assert not outcome.plausibility_hint


def test_everyone_excluded():
    outcome = precheck_evaluate(answers(excluded_members=1))
    assert not outcome.likely
    assert outcome.reason == PreCheckReason.ALL_EXCLUDED
    assert outcome.calculation is None


def test_income_too_high():
    rich = Member(incomes=(Income(IncomeKind.EMPLOYMENT, D(6000)),))
    outcome = precheck_evaluate(answers(members=(rich,)))
    assert outcome.reason == PreCheckReason.INCOME_TOO_HIGH


def test_below_minimum():
    # 1509.40 EUR Y at the full M of Bottrop gives 9 EUR (RULES.md section 7)
    member = Member(incomes=(Income(IncomeKind.OTHER, D("1509.40")),))
    outcome = precheck_evaluate(answers(rent=D(900), members=(member,)))
    assert outcome.reason == PreCheckReason.BELOW_MINIMUM
    assert outcome.amount == 0


def test_very_low_income_gets_the_plausibility_hint():
    outcome = precheck_evaluate(answers(members=(Member(),)))
    assert outcome.likely
    assert outcome.plausibility_hint


def test_mixed_household_counts_only_the_share():
    outcome = precheck_evaluate(
        answers(
            household_members=2,
            excluded_members=1,
            rent=D(570),
            rent_level=4,
            on=date(2025, 7, 1),
            members=(
                Member(incomes=(Income(IncomeKind.PENSION, D(880)),), pays_health_insurance=True),
            ),
        )
    )  # BMWSB 10
    assert outcome.amount == 191
