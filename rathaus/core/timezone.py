"""Time helpers. Rules are written in Berlin wall-clock time; storage is always aware."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

BERLIN = ZoneInfo("Europe/Berlin")


def local_datetime(day: date, at: time) -> datetime:
    """The aware instant of wall-clock time `at` on `day` in Berlin.

    A wall time that does not exist (02:30 on the spring-forward Sunday) is moved forward by
    the gap, as the clock on the wall does; an ambiguous one takes its first occurrence.
    """
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=BERLIN)
    roundtrip = aware.astimezone(UTC).astimezone(BERLIN)
    if roundtrip.replace(tzinfo=None) != naive:
        aware = roundtrip
    return aware


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN)


def local_today() -> date:
    return timezone.now().astimezone(BERLIN).date()


def days_between(start: date, end: date) -> Iterator[date]:
    """Every date from start to end, both included."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)
