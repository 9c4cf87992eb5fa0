"""The only code that writes: the anonymous monthly pre-check counter."""

from datetime import date

from django.db import transaction
from django.db.models import F

from rathaus.core.timezone import local_today

from .models import PreCheckMonthlyCount


def precheck_count_record(*, positive: bool, on: date | None = None) -> None:
    """Count one pre-check in its month. No input of the check is stored, only the totals."""
    month = (on or local_today()).replace(day=1)
    with transaction.atomic():
        PreCheckMonthlyCount.objects.get_or_create(month=month)
        PreCheckMonthlyCount.objects.filter(month=month).update(
            checks=F("checks") + 1, positive=F("positive") + (1 if positive else 0)
        )
