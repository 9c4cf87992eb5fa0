"""Request and response schemas of the Wohngeld API (django-ninja / pydantic)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict, model_validator

from .calculation import MAX_AMOUNT, SubsidyType
from .income import IncomeKind, MaintenanceRecipient
from .tables import FIRST_DATE

Money = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, decimal_places=10)]


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class IncomeIn(StrictSchema):
    kind: IncomeKind = Field(description="Kind of income; decides the Werbungskosten lump sum.")
    monthly_gross_eur: Money = Field(description="Gross amount per month.")
    monthly_expenses_eur: Money | None = Field(
        None, description="Werbungskosten shown; the lump sum applies when it is higher."
    )


class MaintenancePaidIn(StrictSchema):
    recipient: MaintenanceRecipient
    monthly_eur: Money
    fixed_by_title: bool = Field(
        False, description="Fixed by a title, notarial agreement or decision (§ 18 WoGG)."
    )


class MemberIn(StrictSchema):
    """One counted household member with their incomes and what applies to them."""

    incomes: list[IncomeIn] = Field(default_factory=list, max_length=20)
    pays_income_tax: bool = False
    pays_health_insurance: bool = Field(False, description="KV/PV contributions (§ 16 WoGG).")
    pays_pension_insurance: bool = Field(False, description="RV contributions (§ 16 WoGG).")
    severely_disabled: bool = Field(False, description="§ 17 Nr. 1 WoGG (1800 EUR a year).")
    persecution_victim: bool = Field(False, description="§ 17 Nr. 2 WoGG (750 EUR a year).")
    single_parent: bool = Field(False, description="§ 17 Nr. 3 WoGG (1320 EUR a year).")
    child_under_25: bool = Field(False, description="§ 17 Nr. 4 WoGG: own earnings, 1200/yr.")
    basic_pension_33_years: bool = Field(False, description="§ 17a WoGG Grundrentenfreibetrag.")
    maintenance_paid: list[MaintenancePaidIn] = Field(default_factory=list, max_length=10)


class CalculateIn(StrictSchema):
    on: date | None = Field(None, description="Legal date (default: today, Europe/Berlin).")
    rent_level: int = Field(ge=1, le=7, description="Mietenstufe 1..7 (Bottrop: 3).")
    household_members: int = Field(ge=1, le=99, description="Everyone in the household (N).")
    members_counted: int | None = Field(
        None, ge=1, description="Members not excluded under §§ 7, 8 WoGG (K, default N)."
    )
    rent_eur: Money = Field(
        description="Monthly gross cold rent (or burden) of the whole household."
    )
    subsidy_type: SubsidyType = Field(
        SubsidyType.RENT, description="rent = Mietzuschuss, burden = Lastenzuschuss."
    )
    monthly_income_eur: Money | None = Field(
        None, description="Y: monthly total income of the counted members after all deductions."
    )
    incomes: list[MemberIn] | None = Field(
        None,
        max_length=99,
        description="Gross path instead of monthly_income_eur: one entry "
        "per counted member with income (members without income may be left out).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> CalculateIn:
        if self.on is not None and self.on < FIRST_DATE:
            raise ValueError(f"on: dates before {FIRST_DATE.isoformat()} are not supported")
        counted = self.household_members if self.members_counted is None else self.members_counted
        if counted > self.household_members:
            raise ValueError("members_counted must not exceed household_members")
        if (self.monthly_income_eur is None) == (self.incomes is None):
            raise ValueError("give either monthly_income_eur or incomes")
        if self.incomes is not None and len(self.incomes) > counted:
            raise ValueError("incomes has more entries than counted members")
        return self


class CalculateOut(Schema):
    wohngeld_eur: int = Field(description="Whole euros per month; 0 when not entitled.")
    entitled: bool
    steps: dict[str, Any] = Field(
        description="Every step: legal_period, rent (M), income (gross path), formula (a, b, c, "
        "minimum values, z1..z4, the formula with numbers), more than 12 members, threshold."
    )


class ErrorOut(Schema):
    detail: Any
