"""The calculation steps as plain data (for the API and for the explained result). Pure.

Amounts are decimal strings, so that nothing is lost to binary floats: money with at least two
decimal places, the intermediate values z1..z4 with the ten places of Anlage 3.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .calculation import BenefitCalculation
from .income import IncomeCalculation


def money(value: Decimal) -> str:
    """Up to ten places, trailing zeros removed, but always the cents: 285, 285.5 -> '285.00'."""
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def fixed(value: Decimal) -> str:
    return format(value, "f")


def _rent(result: BenefitCalculation) -> dict[str, Any]:
    r = result.rent
    return {
        "rent_eur": money(r.rent),
        "table_members": r.table_members,
        "maximum_rent_eur": money(r.maximum_rent),
        "climate_component_eur": money(r.climate_component),
        "rent_cap_eur": money(r.rent_cap),
        "heating_relief_eur": money(r.heating_relief),
        "share": f"{r.share.numerator}/{r.share.denominator}",
        "rent_share_eur": money(r.rent_share),
        "rent_cap_share_eur": money(r.rent_cap_share),
        "heating_relief_share_eur": money(r.heating_relief_share),
        "rent_counted_eur": money(r.rent_counted),
        "rent_above_cap": r.rent_above_cap,
        "m_eur": money(r.total),
    }


def _formula(result: BenefitCalculation) -> dict[str, Any]:
    f = result.formula
    return {
        "members": f.formula_members,
        "a": fixed(f.coefficients.a),
        "b": fixed(f.coefficients.b),
        "c": fixed(f.coefficients.c),
        "m_eur": money(f.m),
        "m_minimum_eur": money(f.m_minimum),
        "m_minimum_applied": f.m_minimum_applied,
        "y_eur": money(f.y),
        "y_minimum_eur": money(f.y_minimum),
        "y_minimum_applied": f.y_minimum_applied,
        "z1": fixed(f.z1),
        "z2": fixed(f.z2),
        "z3": fixed(f.z3),
        "z4": fixed(f.z4),
        "with_numbers": result.formula_with_numbers(),
        "rounded_eur": int(f.rounded),
    }


def income_steps(income: IncomeCalculation) -> dict[str, Any]:
    return {
        "members": [
            {
                "gross_eur": money(m.gross),
                "expenses_eur": money(m.expenses),
                "after_expenses_eur": money(m.after_expenses),
                "deduction_percent": int(m.deduction_rate * 100),
                "deduction_eur": money(m.deduction),
                "income_eur": money(m.income),
            }
            for m in income.members
        ],
        "allowances": [
            {"code": a.code, "member": a.member, "amount_eur": money(a.amount)}
            for a in income.allowances
        ],
        "total_before_allowances_eur": money(income.total_before_allowances),
        "allowances_eur": money(income.total_allowances),
        "y_eur": money(income.monthly_income),
    }


def calculation_steps(
    result: BenefitCalculation, income: IncomeCalculation | None = None
) -> dict[str, Any]:
    period = result.period
    return {
        "on": result.on.isoformat(),
        "legal_period": {
            "key": period.key,
            "title": period.title,
            "valid_from": period.valid_from.isoformat(),
            "confirmed": result.period_confirmed,
        },
        "subsidy_type": str(result.subsidy_type),
        "rent_level": result.rent_level,
        "household_members": result.household_members,
        "members_counted": result.members_counted,
        "rent": _rent(result),
        "income": income_steps(income) if income else None,
        "formula": _formula(result),
        "extra_members": result.extra_members,
        "extra_amount_eur": money(result.extra_amount),
        "capped_at_m": result.capped_at_m,
        "before_minimum_eur": int(result.before_minimum),
        "minimum_benefit_eur": int(result.minimum_benefit),
        "reason": str(result.reason) if result.reason else None,
    }
