"""Calendar facts about wedding dates: high-demand dates and the marriage-notice deadline."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

# Dates outside these bounds are no wedding dates: what a URL or form brings beyond them is
# refused before any arithmetic (a month back from 0001-01-01 or a day after 9999-12-31 does
# not exist, and would be a 500).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2199, 12, 31)


def day_plausible(day: date | None) -> bool:
    return day is not None and FIRST_DAY <= day <= LAST_DAY


def is_high_demand(day: date) -> bool:
    """Schnapszahl and look-alike dates couples fight for (22.02.2022, 07.07.2027, 26.06.2026).

    A date counts when day and month are equal (7.7., 12.12.), when the day equals the two-digit
    year (27.2.27, 22.2.22), or when all its digits are the same (2.2.22, 11.11.11).
    """
    day_digits, month_digits, year_digits = str(day.day), str(day.month), f"{day.year % 100:02d}"
    if day_digits in (month_digits, year_digits):
        return True
    return len(set(day_digits + month_digits + year_digits.lstrip("0"))) == 1


def notice_deadline(
    *, wedding_day: date, reserved_on: date, window_months: int = 6, grace_days: int = 30
) -> date:
    """Last day to file the marriage notice (Anmeldung zur Eheschließung).

    The notice can be filed at the earliest `window_months` before the wedding (§ 13 Abs. 4
    PStG) and must be filed within `grace_days` after that window opens, or within `grace_days`
    of reserving when the window is already open. It is never later than a week before the
    wedding, and never before the reservation itself.
    """
    window_opens = wedding_day - relativedelta(months=window_months)
    deadline = max(window_opens, reserved_on) + timedelta(days=grace_days)
    deadline = min(deadline, wedding_day - timedelta(days=7))
    while not is_office_day(deadline) and deadline > reserved_on:
        deadline -= timedelta(days=1)  # a deadline must fall on a day the office is open
    return max(reserved_on, deadline)


def is_office_day(day: date) -> bool:
    """Monday to Friday, no NRW public holiday, not the city's Christmas closure (24–31 Dec)."""
    from rathaus.scheduling.engine import is_public_holiday

    christmas_week = day.month == 12 and day.day >= 24
    return day.weekday() < 5 and not is_public_holiday(day) and not christmas_week


def notice_window_opens(*, wedding_day: date, window_months: int = 6) -> date:
    return wedding_day - relativedelta(months=window_months)
