from datetime import UTC, date, datetime, time, timedelta

from rathaus.core.timezone import BERLIN, days_between, local_datetime


def test_wall_time_is_kept_across_both_2027_switches():
    for day in [
        date(2027, 3, 27),
        date(2027, 3, 28),
        date(2027, 3, 29),
        date(2027, 10, 30),
        date(2027, 10, 31),
        date(2027, 11, 1),
    ]:
        moment = local_datetime(day, time(10, 0))
        assert moment.astimezone(BERLIN).time() == time(10, 0)
        assert moment.astimezone(BERLIN).date() == day


def test_offsets_change_on_the_switch_days():
    assert local_datetime(date(2027, 3, 27), time(10)).utcoffset() == timedelta(hours=1)
    assert local_datetime(date(2027, 3, 28), time(10)).utcoffset() == timedelta(hours=2)
    assert local_datetime(date(2027, 10, 31), time(10)).utcoffset() == timedelta(hours=1)


def test_missing_wall_time_moves_forward_like_the_clock():
    moment = local_datetime(date(2027, 3, 28), time(2, 30))
    assert moment.astimezone(UTC) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert moment.astimezone(BERLIN).time() == time(3, 30)


def test_ambiguous_wall_time_takes_the_first_occurrence():
    moment = local_datetime(date(2027, 10, 31), time(2, 30))
    assert moment.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_days_between_includes_both_ends():
    assert list(days_between(date(2027, 2, 27), date(2027, 3, 1))) == [
        date(2027, 2, 27),
        date(2027, 2, 28),
        date(2027, 3, 1),
    ]
