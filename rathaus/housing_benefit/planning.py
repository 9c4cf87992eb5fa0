"""Caseload planning for the Wohngeldstelle: staff needed per month. Pure.

The caseload grows by a constant annual rate (applied monthly, compounded). Every month's work
is new applications, renewals (Weiterleistungsanträge) and change notices, each with its own
minutes; the hours divided by the productive hours of one full-time post give the staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
SIXTY = Decimal(60)


@dataclass(frozen=True)
class CaseloadInputs:
    start: date  # first planned month (any day in it)
    current_recipients: int
    annual_growth_percent: Decimal
    new_applications_per_month: Decimal
    renewals_per_month: Decimal
    changes_per_month: Decimal
    minutes_new_application: Decimal
    minutes_renewal: Decimal
    minutes_change: Decimal
    hours_per_staff_month: Decimal  # productive hours of one full-time post per month
    months: int = 24


@dataclass(frozen=True)
class MonthPlan:
    month: date
    recipients: int
    new_applications: int
    renewals: int
    changes: int
    hours: Decimal  # one decimal place
    staff: Decimal  # full-time equivalents, two decimal places


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def caseload_plan(inputs: CaseloadInputs) -> tuple[MonthPlan, ...]:
    if inputs.hours_per_staff_month <= 0:
        raise ValueError("hours_per_staff_month must be positive")
    if inputs.annual_growth_percent <= -HUNDRED:
        raise ValueError("annual_growth_percent must be above -100")
    monthly = (1 + inputs.annual_growth_percent / HUNDRED) ** (Decimal(1) / 12)
    plan = []
    for offset in range(inputs.months):
        factor = monthly**offset
        new = _whole(inputs.new_applications_per_month * factor)
        renewals = _whole(inputs.renewals_per_month * factor)
        changes = _whole(inputs.changes_per_month * factor)
        minutes = (
            new * inputs.minutes_new_application
            + renewals * inputs.minutes_renewal
            + changes * inputs.minutes_change
        )
        hours = minutes / SIXTY
        plan.append(
            MonthPlan(
                month=_add_months(inputs.start.replace(day=1), offset),
                recipients=_whole(inputs.current_recipients * factor),
                new_applications=new,
                renewals=renewals,
                changes=changes,
                hours=hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                staff=(hours / inputs.hours_per_staff_month).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                ),
            )
        )
    return tuple(plan)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "MM/YY"
    value: Decimal


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]  # (y position, label)
    baseline: float
    left: int


def caseload_chart(plan: tuple[MonthPlan, ...], width: int = 720, height: int = 260) -> Chart:
    """Geometry of a bar chart of the staff per month, for a server-rendered SVG."""
    left, top, bottom = 48, 12, 36
    inner_height = height - top - bottom
    peak = max((m.staff for m in plan), default=Decimal(0))
    scale_max = max(Decimal(1), peak.to_integral_value(rounding="ROUND_CEILING"))
    slot = (width - left - 8) / max(1, len(plan))
    bars = []
    for index, month in enumerate(plan):
        bar_height = float(month.staff / scale_max) * inner_height
        bars.append(
            Bar(
                x=round(left + index * slot + slot * 0.15, 2),
                y=round(top + inner_height - bar_height, 2),
                width=round(slot * 0.7, 2),
                height=round(bar_height, 2),
                label=month.month.strftime("%m/%y"),
                value=month.staff,
            )
        )
    steps = 4
    ticks = tuple(
        (round(top + inner_height - inner_height * i / steps, 2), f"{scale_max * i / steps:g}")
        for i in range(steps + 1)
    )
    return Chart(width, height, tuple(bars), ticks, top + inner_height, left)
