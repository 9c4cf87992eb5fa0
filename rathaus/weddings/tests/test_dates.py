from datetime import date

import pytest

from rathaus.weddings.dates import is_high_demand, notice_deadline


@pytest.mark.parametrize(
    "day",
    [
        date(2022, 2, 22),
        date(2027, 7, 7),
        date(2026, 6, 26),
        date(2027, 2, 27),
        date(2026, 2, 2),
        date(2027, 7, 27),
        date(2020, 2, 20),
        date(2012, 12, 12),
    ],
)
def test_schnapszahl_dates_are_high_demand(day):
    assert is_high_demand(day)


@pytest.mark.parametrize("day", [date(2027, 7, 8), date(2027, 5, 14), date(2026, 11, 25)])
def test_ordinary_dates_are_not(day):
    assert not is_high_demand(day)


def test_deadline_is_30_days_after_the_six_month_window_opens():
    assert notice_deadline(wedding_day=date(2027, 9, 20), reserved_on=date(2026, 11, 25)) == date(
        2027, 4, 19
    )


def test_deadline_is_30_days_after_reserving_when_the_window_is_open():
    assert notice_deadline(wedding_day=date(2027, 3, 20), reserved_on=date(2026, 11, 2)) == date(
        2026, 12, 2
    )


def test_deadline_is_never_later_than_a_week_before_the_wedding():
    # a week before is Sunday 13.12.2026, so the last office day is Friday 11.12.2026
    assert notice_deadline(wedding_day=date(2026, 12, 20), reserved_on=date(2026, 11, 25)) == date(
        2026, 12, 11
    )


def test_deadline_moves_off_christmas_week_weekends_and_holidays():
    # 30 days after 25.11.2026 is Friday 25.12.2026: closed; the Christmas week starts on the
    # 24th (Thursday), so the last office day before it is Wednesday 23.12.2026.
    assert notice_deadline(wedding_day=date(2027, 4, 30), reserved_on=date(2026, 11, 25)) == date(
        2026, 12, 23
    )
    # The window opens on 02.10.2027; 30 days later is Monday 01.11.2027, All Saints' Day, a
    # public holiday in NRW, so the deadline moves back to Friday 29.10.2027.
    assert notice_deadline(wedding_day=date(2028, 4, 2), reserved_on=date(2027, 1, 5)) == date(
        2027, 10, 29
    )


def test_whole_day_closures_read_as_days_and_others_with_times():
    from datetime import time

    from django.utils import translation

    from rathaus.core.timezone import local_datetime
    from rathaus.weddings.templatetags.weddings_tags import time_span

    with translation.override("de"):
        days = time_span(
            local_datetime(date(2026, 12, 15), time.min),
            local_datetime(date(2026, 12, 20), time.min),
        )
        one = time_span(
            local_datetime(date(2026, 12, 15), time.min),
            local_datetime(date(2026, 12, 16), time.min),
        )
        part = time_span(
            local_datetime(date(2026, 12, 15), time(14)),
            local_datetime(date(2026, 12, 15), time(22)),
        )
    assert days == "Di 15.12.2026 – Sa 19.12.2026"
    assert one == "Di 15.12.2026"
    assert part == "Di 15.12.2026 14:00 – Di 15.12.2026 22:00"
