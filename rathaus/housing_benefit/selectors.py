"""Reads."""

from datetime import date

from rathaus.accounts import roles
from rathaus.core.timezone import local_today

from .models import PreCheckMonthlyCount


def precheck_counts_recent(*, months: int = 12, today: date | None = None):
    """The monthly counts of the last `months` months (oldest first), missing months as 0."""
    first = (today or local_today()).replace(day=1)
    wanted = []
    for offset in range(months - 1, -1, -1):
        index = first.year * 12 + first.month - 1 - offset
        wanted.append(date(index // 12, index % 12 + 1, 1))
    found = {c.month: c for c in PreCheckMonthlyCount.objects.filter(month__gte=wanted[0])}
    return [found.get(month) or PreCheckMonthlyCount(month=month) for month in wanted]


def access_housing_benefit_staff(user) -> bool:
    """The Wohngeldstelle and the citizen-office administration; not registrars or venues."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(
        name__in=[roles.HOUSING_BENEFIT_STAFF, roles.CITIZEN_OFFICE_ADMIN]
    ).exists()
