"""The anonymous monthly counter and its read side."""

from datetime import date

import pytest

from rathaus.housing_benefit.models import PreCheckMonthlyCount
from rathaus.housing_benefit.selectors import precheck_counts_recent
from rathaus.housing_benefit.services import precheck_count_record

pytestmark = pytest.mark.django_db


def test_counts_per_month():
    precheck_count_record(positive=True, on=date(2026, 1, 31))
    precheck_count_record(positive=False, on=date(2026, 1, 2))
    precheck_count_record(positive=True, on=date(2026, 2, 1))
    rows = {c.month: (c.checks, c.positive) for c in PreCheckMonthlyCount.objects.all()}
    assert rows == {date(2026, 1, 1): (2, 1), date(2026, 2, 1): (1, 1)}


def test_only_totals_are_stored():
    fields = {f.name for f in PreCheckMonthlyCount._meta.get_fields()}
    assert fields == {"id", "month", "checks", "positive"}


def test_recent_counts_fill_missing_months():
    precheck_count_record(positive=True, on=date(2026, 1, 5))
    counts = precheck_counts_recent(months=3, today=date(2026, 3, 10))
    assert [(c.month, c.checks) for c in counts] == [
        (date(2026, 1, 1), 1),
        (date(2026, 2, 1), 0),
        (date(2026, 3, 1), 0),
    ]


@pytest.mark.parametrize(
    ("checks", "positive", "percent"), [(0, 0, None), (40, 25, 63), (3, 1, 33), (8, 1, 13)]
)
def test_positive_percent(checks, positive, percent):
    assert PreCheckMonthlyCount(checks=checks, positive=positive).positive_percent == percent
