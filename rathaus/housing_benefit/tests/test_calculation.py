"""The direct path (Y known): official examples, every household size, the special rules."""

from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import floor

import pytest

from rathaus.housing_benefit.calculation import (
    CalculationError,
    NoBenefitReason,
    SubsidyType,
    housing_benefit_calculate,
)
from rathaus.housing_benefit.tables import WOGG_2023, WOGG_2025

from .official_examples import BMWSB_EXAMPLES, CALCULATOR_EXAMPLES, LAENDER_EXAMPLE_14

D = Decimal
ON = date(2025, 7, 1)
BOTTROP = 3


def calc(**kwargs):
    kwargs.setdefault("on", ON)
    kwargs.setdefault("rent_level", BOTTROP)
    return housing_benefit_calculate(**kwargs)


@pytest.mark.parametrize(
    "example",
    [*BMWSB_EXAMPLES, LAENDER_EXAMPLE_14, *CALCULATOR_EXAMPLES],
    ids=lambda e: f"{e.source[:7]}-{e.number}",
)
def test_published_examples_to_the_euro(example):
    result = housing_benefit_calculate(
        on=example.on,
        rent_level=example.rent_level,
        household_members=example.household_members,
        members_counted=example.members_counted,
        rent=example.rent,
        monthly_income=example.y,
        subsidy_type=example.subsidy_type,
    )
    assert result.rent.total == example.m
    assert result.wohngeld == example.wohngeld


def test_laender_example_intermediate_values():
    """The note publishes z1 and z3; truncation after ten places reproduces both."""
    e = LAENDER_EXAMPLE_14
    result = calc(household_members=14, rent=e.rent, monthly_income=e.y)
    assert result.rent.maximum_rent == 1617
    assert result.rent.climate_component == D("72.80")
    assert result.rent.heating_relief == D("418.60")
    assert result.formula.z1 == D("0.2070693450")
    assert result.formula.z3 == D("1047.8071433038")
    assert result.formula.rounded == 1205
    assert (result.extra_members, result.extra_amount) == (2, 130)
    assert result.wohngeld == 1335


def test_example_10_mixed_household_shares():
    result = calc(
        rent_level=4,
        household_members=2,
        members_counted=1,
        rent=D(570),
        monthly_income=D("784.35"),
    )
    assert result.is_mixed_household
    assert result.rent.rent_share == D("285.00")
    assert result.rent.rent_cap_share == D("321.90")
    assert result.rent.heating_relief_share == D("71.30")
    assert result.formula.coefficients == WOGG_2025.coefficients_for(1)
    assert result.wohngeld == 191


def test_mixed_household_with_a_third_counted():
    # caps for 3 members, scaled by 1/3; a, b, c and the minimum values for 1 member
    result = calc(household_members=3, members_counted=1, rent=D(900), monthly_income=D(800))
    assert result.rent.rent_cap == D("686.60")
    assert result.rent.rent_share == D("300")
    assert result.rent.rent_cap_share == D("228.8666666666")
    assert result.rent.heating_relief_share == D("56.7333333333")
    assert result.rent.total == D("285.5999999999")
    assert result.rent.rent_above_cap
    assert result.formula.formula_members == 1
    expected = _reference(WOGG_2025, 1, Fraction("285.5999999999"), Fraction(800))
    assert result.wohngeld == expected == 136


def test_rent_above_the_cap_counts_only_the_cap_plus_heating():
    below = calc(household_members=1, rent=D(420), monthly_income=D(1000))
    above = calc(household_members=1, rent=D(600), monthly_income=D(1000))
    far_above = calc(household_members=1, rent=D(2000), monthly_income=D(1000))
    assert below.rent.total == D("530.40")  # RULES 4.2: rent 420 gives 530.40
    assert above.rent.total == D("585.60")  # 456 + 19.20 + 110.40
    assert above.rent.rent_above_cap and not below.rent.rent_above_cap
    assert above.wohngeld == far_above.wohngeld > below.wohngeld


def test_bottrop_caps_and_maximum_m():
    caps = ["475.20", "575.80", "686.60", "800.40", "914.20", "1025.00"]
    maximum_m = ["585.60", "718.40", "856.80", "998.20", "1139.60", "1278.00"]
    for members, (cap, m) in enumerate(zip(caps, maximum_m, strict=True), 1):
        result = calc(household_members=members, rent=D(5000), monthly_income=D(1000))
        assert result.rent.rent_cap == D(cap)
        assert result.rent.total == D(m)


# RULES.md section 7: the highest Y that still gives at least 10 EUR at full M in Bottrop.
HIGHEST_Y_BOTTROP = {
    1: "1509.39",
    2: "2037.76",
    3: "2552.30",
    4: "3453.06",
    5: "3962.88",
    6: "4467.31",
}


@pytest.mark.parametrize("members", sorted(HIGHEST_Y_BOTTROP))
def test_threshold_from_both_sides(members):
    y = D(HIGHEST_Y_BOTTROP[members])
    paid = calc(household_members=members, rent=D(5000), monthly_income=y)
    not_paid = calc(household_members=members, rent=D(5000), monthly_income=y + D("0.01"))
    assert paid.wohngeld == 10 and paid.reason is None
    assert not_paid.before_minimum == 9
    assert not_paid.wohngeld == 0 and not_paid.reason == NoBenefitReason.BELOW_MINIMUM


def test_threshold_2023_law_matches_berlin_single_limit():
    # 2023 law, Mietenstufe IV, 1 person: schuldnerberatung.de gives 1466 EUR (05/2024)
    paid = calc(
        on=date(2024, 5, 1),
        rent_level=4,
        household_members=1,
        rent=D(2000),
        monthly_income=D("1466.67"),
    )
    not_paid = calc(
        on=date(2024, 5, 1),
        rent_level=4,
        household_members=1,
        rent=D(2000),
        monthly_income=D("1466.68"),
    )
    assert (paid.wohngeld, not_paid.wohngeld) == (10, 0)


def test_formula_not_positive():
    result = calc(household_members=1, rent=D(400), monthly_income=D(5000))
    assert result.formula.z4 < 0
    assert result.wohngeld == 0
    assert result.reason == NoBenefitReason.FORMULA_NOT_POSITIVE


def _trunc(x: Fraction) -> Fraction:
    scaled = x * 10**10
    return Fraction(floor(scaled) if scaled >= 0 else -floor(-scaled), 10**10)


def _reference(period, members: int, m: Fraction, y: Fraction) -> int:
    """Independent re-statement of § 19 and Anlage 3 in exact fractions."""
    k = period.coefficients_for(members)
    a, b, c = (Fraction(k.a), Fraction(k.b), Fraction(k.c))
    m = max(m, Fraction(period.minimum_rent_for(members)))
    y = max(y, Fraction(period.minimum_income_for(members)))
    z1 = _trunc(a + b * m + c * y)
    z3 = _trunc(m - _trunc(z1 * y))
    z4 = _trunc(Fraction(period.formula_factor) * z3)
    return floor(z4 + Fraction(1, 2)) if z4 > 0 else 0


# Anlage 1, Mietenstufe III, and § 12 Abs. 6/7 for 6..12 members (RULES.md 4.1 and 4.2).
DERIVED_III = {6: 981, 7: 1087, 8: 1193, 9: 1299, 10: 1405, 11: 1511, 12: 1617}


@pytest.mark.parametrize("period", [WOGG_2023, WOGG_2025], ids=lambda p: p.key)
@pytest.mark.parametrize("members", range(1, 13))
def test_every_household_size(period, members):
    on = period.valid_from
    for rent, y in (
        (D(300), D(500)),
        (D(650), D(1500)),
        (D(900), D("2400.55")),
        (D(3000), D(3200)),
    ):
        result = calc(on=on, household_members=members, rent=rent, monthly_income=y)
        assert result.formula.coefficients == period.coefficients[members - 1]
        expected_m = min(rent, result.rent.rent_cap) + result.rent.heating_relief
        assert result.rent.total == expected_m
        amount = _reference(period, members, Fraction(expected_m), Fraction(y))
        assert result.formula.rounded == amount
        assert result.wohngeld == (amount if amount >= 10 else 0)
    if period is WOGG_2025 and members >= 6:
        assert period.maximum_rent_for(3, members) == DERIVED_III[members]
    first_five = {
        "heating_relief": ["110.40", "142.60", "170.20", "197.80", "225.40"],
        "climate_component": ["19.20", "24.80", "29.60", "34.40", "39.20"],
    }
    step = {"heating_relief": D("27.60"), "climate_component": D("4.80")}
    for name, values in first_five.items():
        expected = D(values[min(members, 5) - 1]) + max(0, members - 5) * step[name]
        assert getattr(period, name).for_members(members) == expected


def test_heating_relief_values():
    expected = ["110.40", "142.60", "170.20", "197.80", "225.40", "253.00", "280.60"]
    for members, value in enumerate(expected, 1):
        assert WOGG_2025.heating_relief.for_members(members) == D(value)


@pytest.mark.parametrize("members", [13, 14, 15, 20])
def test_more_than_twelve_members(members):
    y = D(4000)
    twelve = calc(household_members=12, rent=D(3000), monthly_income=y)
    result = calc(household_members=members, rent=D(3000), monthly_income=y)
    # caps, components, a, b, c and the minimum values are those for 12
    assert result.rent.total == twelve.rent.total
    assert result.formula.rounded == twelve.formula.rounded
    assert result.wohngeld == twelve.wohngeld + (members - 12) * 65


def test_more_than_twelve_members_2023_amount_is_57():
    twelve = calc(on=date(2024, 1, 1), household_members=12, rent=D(3000), monthly_income=D(4000))
    result = calc(on=date(2024, 1, 1), household_members=13, rent=D(3000), monthly_income=D(4000))
    assert result.wohngeld == twelve.wohngeld + 57


def test_more_than_twelve_members_capped_at_counted_rent():
    result = calc(household_members=30, rent=D(1000), monthly_income=D(0))
    assert result.rent.total == D("1418.60")
    assert result.formula.rounded + 18 * 65 > result.rent.total
    assert result.capped_at_m
    assert result.wohngeld == 1418


def test_more_than_twelve_members_mixed_household():
    result = calc(household_members=14, members_counted=13, rent=D(2000), monthly_income=D(3000))
    assert result.rent.share == Fraction(13, 14)
    assert result.formula.formula_members == 12
    assert result.extra_members == 1
    assert result.wohngeld == result.formula.rounded + 65


def test_income_below_the_minimum_value_uses_the_table_value():
    zero = calc(household_members=2, rent=D(500), monthly_income=D(0))
    at_minimum = calc(household_members=2, rent=D(500), monthly_income=D(679))
    assert zero.formula.y_minimum_applied
    assert zero.formula.y == D(679)
    assert not at_minimum.formula.y_minimum_applied
    assert zero.wohngeld == at_minimum.wohngeld


def test_rent_below_the_minimum_value_uses_the_table_value():
    # a mixed household of 12 with 1 counted member has a tiny M share; 1-member minimum is 54
    result = calc(household_members=12, members_counted=1, rent=D(0), monthly_income=D(500))
    assert result.rent.total == D("34.8833333333")  # 418.60 / 12
    assert result.formula.m_minimum_applied
    assert result.formula.m == D(54)


def test_legal_period_selected_by_date():
    assert (
        calc(on=date(2024, 12, 31), household_members=1, rent=D(400), monthly_income=D(900)).period
        is WOGG_2023
    )
    assert (
        calc(on=date(2025, 1, 1), household_members=1, rent=D(400), monthly_income=D(900)).period
        is WOGG_2025
    )


def test_dates_after_the_confirmed_values_are_flagged():
    result = calc(on=date(2027, 1, 1), household_members=1, rent=D(400), monthly_income=D(900))
    assert result.period is WOGG_2025
    assert not result.period_confirmed
    assert calc(on=ON, household_members=1, rent=D(400), monthly_income=D(900)).period_confirmed


def test_burden_is_calculated_like_rent():
    rent = calc(household_members=3, rent=D(700), monthly_income=D(1500))
    burden = calc(
        household_members=3, rent=D(700), monthly_income=D(1500), subsidy_type=SubsidyType.BURDEN
    )
    assert burden.subsidy_type == SubsidyType.BURDEN
    assert burden.wohngeld == rent.wohngeld


def test_formula_with_numbers():
    e = BMWSB_EXAMPLES[0]
    result = calc(rent_level=1, household_members=1, rent=e.rent, monthly_income=e.y)
    assert result.formula_with_numbers() == (
        "1.15 · (445.40 − (0.04 + 0.0004797 · 445.40 + 0.0000408 · 1162.35) · 1162.35)"
        " = 109.7525903523"
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"rent": D(-1)}, "rent", "negative"),
        ({"monthly_income": D(-0.01)}, "monthly_income", "negative"),
        ({"members_counted": 3}, "members_counted", "out_of_range"),
        ({"members_counted": 0}, "members_counted", "out_of_range"),
        ({"household_members": 0, "members_counted": None}, "household_members", "too_small"),
        ({"rent_level": 8}, "rent_level", "unknown_rent_level"),
        ({"rent_level": 0}, "rent_level", "unknown_rent_level"),
        ({"on": date(2022, 12, 31)}, "on", "before_first_period"),
        ({"rent": D("NaN")}, "rent", "not_a_number"),
        ({"rent": D("1E20")}, "rent", "too_large"),
    ],
)
def test_invalid_input(kwargs, field, code):
    arguments = {"household_members": 2, "rent": D(500), "monthly_income": D(1000), **kwargs}
    with pytest.raises(CalculationError) as caught:
        calc(**arguments)
    assert (caught.value.field, caught.value.code) == (field, code)
