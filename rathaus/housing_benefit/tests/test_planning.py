"""Caseload planning (pure)."""

from datetime import date
from decimal import Decimal

import pytest

from rathaus.housing_benefit.planning import CaseloadInputs, caseload_chart, caseload_plan

D = Decimal


def inputs(**changes):
    values = {
        "start": date(2026, 11, 25),
        "current_recipients": 2700,
        "annual_growth_percent": D(0),
        "new_applications_per_month": D(150),
        "renewals_per_month": D(225),
        "changes_per_month": D(200),
        "minutes_new_application": D(120),
        "minutes_renewal": D(60),
        "minutes_change": D(30),
        "hours_per_staff_month": D(110),
    }
    return CaseloadInputs(**{**values, **changes})


def test_two_years_month_by_month():
    plan = caseload_plan(inputs())
    assert len(plan) == 24
    assert plan[0].month == date(2026, 11, 1)
    assert plan[2].month == date(2027, 1, 1)
    assert plan[-1].month == date(2028, 10, 1)


def test_hours_and_staff_without_growth():
    first = caseload_plan(inputs())[0]
    # 150 * 120 + 225 * 60 + 200 * 30 = 37500 minutes = 625 hours; / 110 = 5.68
    assert first.hours == D("625.0")
    assert first.staff == D("5.68")
    assert first.recipients == 2700


def test_growth_compounds_to_the_annual_rate():
    plan = caseload_plan(inputs(annual_growth_percent=D(10)))
    assert plan[12].recipients == 2970
    assert plan[12].new_applications == 165
    assert plan[23].staff > plan[12].staff > plan[0].staff


def test_shrinking_caseload():
    plan = caseload_plan(inputs(annual_growth_percent=D(-20)))
    assert plan[12].recipients == 2160


@pytest.mark.parametrize(
    "change", [{"hours_per_staff_month": D(0)}, {"annual_growth_percent": D(-100)}]
)
def test_invalid_inputs(change):
    with pytest.raises(ValueError):
        caseload_plan(inputs(**change))


def test_chart_geometry():
    plan = caseload_plan(inputs(annual_growth_percent=D(10)))
    chart = caseload_chart(plan, width=720, height=260)
    assert len(chart.bars) == 24
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.value == max(m.staff for m in plan)
    assert all(bar.y + bar.height == pytest.approx(chart.baseline) for bar in chart.bars)
    assert chart.ticks[0][1] == "0"
    assert all(0 < bar.x < 720 for bar in chart.bars)
