"""JSON API of the Wohngeld calculation, mounted at /api/v1/housing-benefit/.

Thin over the pure calculation. Invalid input answers 422 (400 for a body that is not JSON)
with {"detail": ...}; input is validated by the schemas, and whatever the calculation still
rejects becomes a 422 as well.
"""

from __future__ import annotations

from ninja import Router, Status

from rathaus.core.timezone import local_today

from .calculation import CalculationError, housing_benefit_calculate
from .income import (
    Income,
    MaintenancePaid,
    Member,
    housing_benefit_calculate_gross,
)
from .schemas import CalculateIn, CalculateOut, ErrorOut, MemberIn
from .steps import calculation_steps

router = Router(tags=["housing-benefit"])


def _member(entry: MemberIn) -> Member:
    flags = entry.model_dump(exclude={"incomes", "maintenance_paid"})
    return Member(
        incomes=tuple(
            Income(i.kind, i.monthly_gross_eur, i.monthly_expenses_eur) for i in entry.incomes
        ),
        maintenance_paid=tuple(
            MaintenancePaid(p.recipient, p.monthly_eur, p.fixed_by_title)
            for p in entry.maintenance_paid
        ),
        **flags,
    )


def _calculate(payload: CalculateIn) -> dict:
    common = {
        "on": payload.on or local_today(),
        "rent_level": payload.rent_level,
        "household_members": payload.household_members,
        "members_counted": payload.members_counted,
        "rent": payload.rent_eur,
        "subsidy_type": payload.subsidy_type,
    }
    if payload.incomes is not None:
        gross = housing_benefit_calculate_gross(
            members=[_member(entry) for entry in payload.incomes], **common
        )
        result, income = gross.benefit, gross.income
    else:
        result = housing_benefit_calculate(monthly_income=payload.monthly_income_eur, **common)
        income = None
    return {
        "wohngeld_eur": result.wohngeld,
        "entitled": result.entitled,
        "steps": calculation_steps(result, income),
    }


@router.post(
    "/calculate",
    response={200: CalculateOut, 422: ErrorOut},
    auth=None,
    summary="Calculate the Wohngeld (WoGG) per month, with every step",
    description=(
        "Direct path: give `monthly_income_eur` (Y after all deductions). Gross path: give "
        "`incomes`, one entry per counted member. Amounts are EUR per month; amounts in "
        "`steps` are decimal strings. The result is indicative; the Wohngeldstelle decides."
    ),
)
def calculate(request, payload: CalculateIn):
    try:
        return Status(200, _calculate(payload))
    except CalculationError as error:
        detail = [
            {"loc": ["body", "payload", error.field], "msg": error.message, "type": error.code}
        ]
        return Status(422, {"detail": detail})
