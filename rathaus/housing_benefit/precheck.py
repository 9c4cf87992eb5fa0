"""The public pre-check: from a few answers to "likely entitled to about X EUR" or "not likely,
because ...". Pure; nothing here is stored (the view counts only anonymous totals).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .calculation import NoBenefitReason, SubsidyType
from .constants import PLAUSIBILITY_NEEDS_PER_MEMBER, PLAUSIBILITY_SHARE
from .income import GrossCalculation, Member, housing_benefit_calculate_gross


class PreCheckReason(StrEnum):
    ALL_EXCLUDED = "all_excluded"  # everyone receives a transfer benefit covering housing costs
    INCOME_TOO_HIGH = "income_too_high"
    BELOW_MINIMUM = "below_minimum"


@dataclass(frozen=True)
class PreCheckAnswers:
    on: date
    rent_level: int
    household_members: int
    excluded_members: int  # receiving Bürgergeld, Grundsicherung and the like (§§ 7, 8 WoGG)
    subsidy_type: SubsidyType
    rent: Decimal
    members: tuple[Member, ...]


@dataclass(frozen=True)
class PreCheckOutcome:
    likely: bool
    amount: int
    reason: PreCheckReason | None
    plausibility_hint: bool  # income may not cover living costs: proof will be asked for
    calculation: GrossCalculation | None


def precheck_evaluate(answers: PreCheckAnswers) -> PreCheckOutcome:
    counted = answers.household_members - answers.excluded_members
    if counted < 1:
        return PreCheckOutcome(False, 0, PreCheckReason.ALL_EXCLUDED, False, None)
    calculation = housing_benefit_calculate_gross(
        on=answers.on,
        rent_level=answers.rent_level,
        household_members=answers.household_members,
        members_counted=counted,
        rent=answers.rent,
        members=answers.members[:counted],
        subsidy_type=answers.subsidy_type,
    )
    benefit = calculation.benefit
    reason = {
        None: None,
        NoBenefitReason.FORMULA_NOT_POSITIVE: PreCheckReason.INCOME_TOO_HIGH,
        NoBenefitReason.BELOW_MINIMUM: PreCheckReason.BELOW_MINIMUM,
    }[benefit.reason]
    needs = PLAUSIBILITY_SHARE * PLAUSIBILITY_NEEDS_PER_MEMBER * counted
    needs += benefit.rent.rent_share
    available = calculation.income.monthly_income + benefit.wohngeld
    return PreCheckOutcome(
        likely=benefit.entitled,
        amount=benefit.wohngeld,
        reason=reason,
        plausibility_hint=available < needs,
        calculation=calculation,
    )
