"""The Wohngeld formula (§§ 11, 12, 19, 21 WoGG, Anlage 3) as a pure function.

No Django here. `housing_benefit_calculate` takes the monthly total income Y (the direct path);
`income.monthly_income_calculate` computes Y from gross incomes (the gross path). The result
carries every step so that a case worker can check it by hand.

Arithmetic: `Decimal` throughout. Anlage 3 asks for fixed-point numbers with ten decimal
places for z1..z4; we truncate after the tenth place, which reproduces the published
intermediate values of the Länder note on WoGVwV 19.31 (see docs/housing-benefit.md). M and Y
are not rounded (shares of mixed households are kept to ten places as well).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from .tables import (
    MAX_FORMULA_MEMBERS,
    RENT_LEVELS,
    Coefficients,
    LegalPeriod,
    NoLegalPeriod,
    period_for,
)

TEN_PLACES = Decimal("1E-10")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("10000000")  # far above any real rent or income; guards absurd input


class SubsidyType(StrEnum):
    RENT = "rent"  # Mietzuschuss: Bruttokaltmiete (§ 9 WoGG)
    BURDEN = "burden"  # Lastenzuschuss: Belastung of owner-occupiers (§ 10 WoGG)


class NoBenefitReason(StrEnum):
    FORMULA_NOT_POSITIVE = "formula_not_positive"  # z4 <= 0: the income is too high
    BELOW_MINIMUM = "below_minimum"  # under 10 EUR (§ 21 Nr. 1 WoGG)


class CalculationError(ValueError):
    """Invalid input. `field` names the offending input, `code` is stable for clients."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RentSteps:
    """How the rent or burden M is counted (§ 11 Abs. 1 and 3, § 12 WoGG)."""

    rent: Decimal  # the whole household's rent or burden, as entered
    table_members: int  # household size used for the caps (all members, at most 12)
    maximum_rent: Decimal  # Höchstbetrag, Anlage 1
    climate_component: Decimal  # § 12 Abs. 7, raises the cap
    rent_cap: Decimal  # Höchstbetrag + Klimakomponente
    heating_relief: Decimal  # § 12 Abs. 6, added on top
    share: Fraction  # counted members / all members (§ 11 Abs. 3); 1 if nobody is excluded
    rent_share: Decimal
    rent_cap_share: Decimal
    heating_relief_share: Decimal
    rent_counted: Decimal  # min(rent share, cap share)
    rent_above_cap: bool
    total: Decimal  # M before the Anlage-3 minimum


@dataclass(frozen=True)
class FormulaSteps:
    """Anlage 3: minimum values, z1..z4 and the rounding to whole euros."""

    formula_members: int  # counted members, at most 12
    coefficients: Coefficients
    m_before_minimum: Decimal
    m_minimum: Decimal
    m: Decimal
    y_before_minimum: Decimal
    y_minimum: Decimal
    y: Decimal
    z1: Decimal  # a + b*M + c*Y
    z2: Decimal  # z1 * Y
    z3: Decimal  # M - z2
    z4: Decimal  # 1.15 * z3, the unrounded Wohngeld
    rounded: Decimal  # z4 rounded half up to whole euros, 0 if z4 <= 0

    @property
    def m_minimum_applied(self) -> bool:
        return self.m != self.m_before_minimum

    @property
    def y_minimum_applied(self) -> bool:
        return self.y != self.y_before_minimum


@dataclass(frozen=True)
class BenefitCalculation:
    """The complete, explained result."""

    on: date
    period: LegalPeriod
    period_confirmed: bool
    subsidy_type: SubsidyType
    rent_level: int
    household_members: int
    members_counted: int
    rent: RentSteps
    formula: FormulaSteps
    extra_members: int  # counted members beyond 12 (§ 19 Abs. 3)
    extra_amount: Decimal
    capped_at_m: bool  # § 19 Abs. 3: at most the counted rent or burden
    before_minimum: Decimal  # the amount before the 10 EUR test
    minimum_benefit: Decimal
    wohngeld: int  # whole euros per month; 0 when there is no entitlement
    reason: NoBenefitReason | None

    @property
    def entitled(self) -> bool:
        return self.wohngeld > 0

    @property
    def is_mixed_household(self) -> bool:
        return self.members_counted < self.household_members

    def formula_with_numbers(self) -> str:
        f = self.formula
        k = f.coefficients
        return (
            f"{self.period.formula_factor} · ({_plain(f.m)} − ({_plain(k.a)} + {_plain(k.b)} · "
            f"{_plain(f.m)} + {_plain(k.c)} · {_plain(f.y)}) · {_plain(f.y)}) = {_plain(f.z4)}"
        )


def housing_benefit_calculate(
    *,
    on: date,
    rent_level: int,
    household_members: int,
    rent: Decimal,
    monthly_income: Decimal,
    members_counted: int | None = None,
    subsidy_type: SubsidyType = SubsidyType.RENT,
) -> BenefitCalculation:
    """Wohngeld per month for the monthly total income Y of the counted members (direct path).

    `household_members` is everyone in the household (N), `members_counted` those not excluded
    under §§ 7, 8 WoGG (n, default N). `rent` is the whole household's gross cold rent or burden.
    """
    counted = household_members if members_counted is None else members_counted
    period = _validated_period(on, rent_level, household_members, counted, rent, monthly_income)
    with localcontext() as ctx:
        ctx.prec = 60
        rent_steps = _rent_steps(period, rent_level, household_members, counted, rent)
        formula = _formula_steps(period, counted, rent_steps.total, monthly_income)
        extra_members = max(0, counted - MAX_FORMULA_MEMBERS)
        extra_amount = extra_members * period.per_member_above_12
        amount = formula.rounded + extra_amount if formula.rounded > 0 else Decimal(0)
        capped = False
        if extra_members and amount > rent_steps.total:
            amount, capped = rent_steps.total.to_integral_value(rounding=ROUND_DOWN), True
    reason = None
    if formula.rounded <= 0:
        reason = NoBenefitReason.FORMULA_NOT_POSITIVE
    elif amount < period.minimum_benefit:
        reason = NoBenefitReason.BELOW_MINIMUM
    return BenefitCalculation(
        on=on,
        period=period,
        period_confirmed=period.is_confirmed_on(on),
        subsidy_type=SubsidyType(subsidy_type),
        rent_level=rent_level,
        household_members=household_members,
        members_counted=counted,
        rent=rent_steps,
        formula=formula,
        extra_members=extra_members,
        extra_amount=extra_amount,
        capped_at_m=capped,
        before_minimum=amount,
        minimum_benefit=period.minimum_benefit,
        wohngeld=0 if reason else int(amount),
        reason=reason,
    )


def _validated_period(
    on: date, rent_level: int, members: int, counted: int, rent: Decimal, income: Decimal
) -> LegalPeriod:
    if rent_level not in RENT_LEVELS:
        raise CalculationError("rent_level", "unknown_rent_level", "rent level must be 1 to 7")
    if members < 1:
        raise CalculationError(
            "household_members", "too_small", "the household needs at least one member"
        )
    if not 1 <= counted <= members:
        raise CalculationError(
            "members_counted",
            "out_of_range",
            "counted members must be at least 1 and at most the household members",
        )
    for field, amount in (("rent", rent), ("monthly_income", income)):
        if not isinstance(amount, Decimal) or not amount.is_finite():
            raise CalculationError(field, "not_a_number", f"{field} must be a decimal number")
        if amount < 0:
            raise CalculationError(field, "negative", f"{field} must not be negative")
        if amount > MAX_AMOUNT:
            raise CalculationError(field, "too_large", f"{field} is implausibly large")
    try:
        return period_for(on)
    except NoLegalPeriod as error:
        raise CalculationError("on", "before_first_period", str(error)) from error


def _share(amount: Decimal, share: Fraction) -> Decimal:
    if share == 1:
        return amount
    exact = amount * share.numerator / share.denominator
    return exact.quantize(TEN_PLACES, rounding=ROUND_DOWN)


def _rent_steps(
    period: LegalPeriod, rent_level: int, members: int, counted: int, rent: Decimal
) -> RentSteps:
    table_members = min(members, MAX_FORMULA_MEMBERS)
    maximum = period.maximum_rent_for(rent_level, table_members)
    climate = period.climate_component.for_members(table_members)
    heating = period.heating_relief.for_members(table_members)
    share = Fraction(counted, members)
    rent_share = _share(rent, share)
    cap_share = _share(maximum + climate, share)
    heating_share = _share(heating, share)
    counted_rent = min(rent_share, cap_share)
    return RentSteps(
        rent=rent,
        table_members=table_members,
        maximum_rent=maximum,
        climate_component=climate,
        rent_cap=maximum + climate,
        heating_relief=heating,
        share=share,
        rent_share=rent_share,
        rent_cap_share=cap_share,
        heating_relief_share=heating_share,
        rent_counted=counted_rent,
        rent_above_cap=rent_share > cap_share,
        total=counted_rent + heating_share,
    )


def _fixed(value: Decimal) -> Decimal:
    """Anlage 3: fixed point with ten decimal places (the rest is cut off)."""
    return value.quantize(TEN_PLACES, rounding=ROUND_DOWN)


def _formula_steps(
    period: LegalPeriod, counted: int, m_total: Decimal, income: Decimal
) -> FormulaSteps:
    members = min(counted, MAX_FORMULA_MEMBERS)
    k = period.coefficients_for(members)
    m_min = period.minimum_rent_for(members)
    y_min = period.minimum_income_for(members)
    m_raw = _fixed(m_total)
    y_raw = _fixed(income)
    m = max(m_raw, m_min)
    y = max(y_raw, y_min)
    z1 = _fixed(k.a + k.b * m + k.c * y)
    z2 = _fixed(z1 * y)
    z3 = _fixed(m - z2)
    z4 = _fixed(period.formula_factor * z3)
    rounded = z4.quantize(Decimal(1), rounding=ROUND_HALF_UP) if z4 > 0 else Decimal(0)
    return FormulaSteps(
        formula_members=members,
        coefficients=k,
        m_before_minimum=m_raw,
        m_minimum=m_min,
        m=m,
        y_before_minimum=y_raw,
        y_minimum=y_min,
        y=y,
        z1=z1,
        z2=z2,
        z3=z3,
        z4=z4,
        rounded=rounded,
    )


def _plain(value: Decimal) -> str:
    """A decimal without exponent and without trailing zeros beyond the cents."""
    text = format(value.normalize(), "f")
    if "." in text and len(text.split(".")[1]) < 2:
        text = format(value.quantize(CENT), "f")
    return text
