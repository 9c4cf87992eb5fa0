"""The slot engine: pure interval arithmetic over availability data, no database.

Times inside the engine are integer seconds since the epoch, which makes comparisons cheap and
DST-proof: every opening is turned into instants from its Berlin wall-clock times day by day,
so a 10:00 rule stays 10:00 local on both sides of a clock change.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays as holidays_lib

from rathaus.core.timezone import BERLIN, local_datetime

from .constants import SlotMode

Interval = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Pattern:
    mode: str = SlotMode.GRID
    slot_minutes: int = 30
    buffer_minutes: int = 0
    fixed_starts: tuple[time, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleSpec:
    weekday: int
    start_time: time
    end_time: time
    pattern: Pattern
    valid_from: date | None = None
    valid_until: date | None = None
    open_on_holidays: bool = False

    def applies_on(self, day: date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


@dataclass(frozen=True, slots=True)
class OpeningSpec:
    date: date
    start_time: time
    end_time: time
    pattern: Pattern
    despite_closures: bool = False

    def bounds(self) -> Interval:
        return local_epoch(self.date, self.start_time), local_epoch(self.date, self.end_time)


@dataclass(slots=True)
class ResourceCalendar:
    """Everything the engine needs to know about one resource."""

    resource_id: int
    rules: Sequence[RuleSpec] = ()
    openings: Sequence[OpeningSpec] = ()
    blocked: Sequence[Interval] = ()  # closures and active bookings, any order
    _merged: tuple[list[int], list[int]] | None = field(default=None, repr=False)

    def merged_blocked(self) -> tuple[list[int], list[int]]:
        if self._merged is None:
            self._merged = _merge(self.blocked)
        return self._merged


@dataclass(frozen=True, slots=True)
class Window:
    day: date
    start: int
    end: int
    pattern: Pattern


class Slot:
    """A free slot. Instants are kept as epoch seconds; datetimes are made when asked for."""

    __slots__ = ("end_epoch", "resource_id", "start_epoch")

    def __init__(self, resource_id: int, start_epoch: int, end_epoch: int):
        self.resource_id = resource_id
        self.start_epoch = start_epoch
        self.end_epoch = end_epoch

    @property
    def start(self) -> datetime:
        return from_epoch(self.start_epoch)

    @property
    def end(self) -> datetime:
        return from_epoch(self.end_epoch)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Slot) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Slot({self.resource_id}, {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M})"

    def _key(self) -> tuple[int, int, int]:
        return (self.resource_id, self.start_epoch, self.end_epoch)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


_SAFE_FROM = 4 * 3600  # clocks change between 02:00 and 03:00; later wall times are unambiguous


@lru_cache(maxsize=4096)
def _day_base(day: date) -> tuple[int, int, bool]:
    """(epoch of the day's midnight as if UTC, Berlin offset at noon, whether clocks change)."""
    midnight_utc = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    noon = _utc_offset(datetime(day.year, day.month, day.day, 12, tzinfo=BERLIN))
    early = _utc_offset(datetime(day.year, day.month, day.day, 0, tzinfo=BERLIN))
    return midnight_utc, int(noon.total_seconds()), noon != early


def _utc_offset(moment: datetime) -> timedelta:
    offset = moment.utcoffset()
    assert offset is not None  # every moment here is aware
    return offset


@lru_cache(maxsize=65536)
def _offset_in_hour(hour_bucket: int) -> int:
    return int(_utc_offset(from_epoch(hour_bucket * 3600)).total_seconds())


def local_weekday_hour(seconds: int) -> tuple[int, int]:
    """(weekday, hour) of an instant in Berlin, without building a datetime (hot path)."""
    local = seconds + _offset_in_hour(seconds // 3600)
    return (local // 86400 + 3) % 7, (local % 86400) // 3600  # 1 Jan 1970 was a Thursday


def local_epoch(day: date, at: time) -> int:
    """Epoch seconds of wall-clock time `at` on `day` in Berlin (see core.timezone)."""
    seconds = at.hour * 3600 + at.minute * 60 + at.second
    midnight_utc, offset, changes = _day_base(day)
    if changes and seconds < _SAFE_FROM:
        return epoch(local_datetime(day, at))
    return midnight_utc + seconds - offset


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, BERLIN)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Statutory public holidays in North Rhine-Westphalia."""
    return frozenset(holidays_lib.country_holidays("DE", subdiv="NW", years=year).keys())


def is_public_holiday(day: date) -> bool:
    return day in public_holidays(day.year)


def _merge(intervals: Iterable[Interval]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(intervals):
        if starts and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def subtract(intervals: Iterable[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """The parts of `intervals` outside every hole (e.g. a closure minus an emergency opening)."""
    hole_starts, hole_ends = _merge(holes)
    result: list[Interval] = []
    for start, end in intervals:
        cursor = start
        index = max(bisect_left(hole_ends, start + 1), 0)
        while index < len(hole_starts) and hole_starts[index] < end:
            if hole_starts[index] > cursor:
                result.append((cursor, hole_starts[index]))
            cursor = max(cursor, hole_ends[index])
            index += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def overlaps_blocked(calendar: ResourceCalendar, start: int, end: int) -> bool:
    starts, ends = calendar.merged_blocked()
    return _overlaps(starts, ends, start, end)


def _overlaps(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    index = bisect_left(starts, end) - 1
    return index >= 0 and ends[index] > start


def windows(calendar: ResourceCalendar, first: date, last: date) -> list[Window]:
    """Openings of one resource from `first` to `last` (inclusive), nothing subtracted."""
    return list(_windows(tuple(calendar.rules), tuple(calendar.openings), first, last))


# Openings depend only on the (immutable, hashable) rules and the range, never on bookings, so
# they are cached per process; a changed rule is a different key, so nothing goes stale.
@lru_cache(maxsize=1024)
def _windows(
    rules: tuple[RuleSpec, ...], openings_in: tuple[OpeningSpec, ...], first: date, last: date
) -> tuple[Window, ...]:
    by_weekday: dict[int, list[RuleSpec]] = {}
    for rule in rules:
        by_weekday.setdefault(rule.weekday, []).append(rule)
    openings: dict[date, list[OpeningSpec]] = {}
    for opening in openings_in:
        if first <= opening.date <= last:
            openings.setdefault(opening.date, []).append(opening)

    result: list[Window] = []
    day = first
    one_day = timedelta(days=1)
    while day <= last:
        holiday = is_public_holiday(day)
        for rule in by_weekday.get(day.weekday(), ()):
            if rule.applies_on(day) and (rule.open_on_holidays or not holiday):
                result.append(_window(day, rule.start_time, rule.end_time, rule.pattern))
        for opening in openings.get(day, ()):
            result.append(_window(day, opening.start_time, opening.end_time, opening.pattern))
        day += one_day
    result.sort(key=lambda window: window.start)
    return tuple(result)


@lru_cache(maxsize=1024)
def _candidate_bounds(
    rules: tuple[RuleSpec, ...], openings: tuple[OpeningSpec, ...], first: date, last: date
) -> tuple[list[int], tuple[Interval, ...]]:
    """Every slot the rules offer in the range, sorted, with their starts for bisecting."""
    bounds = sorted(
        bound for window in _windows(rules, openings, first, last) for bound in _slot_bounds(window)
    )
    return [start for start, _ in bounds], tuple(bounds)


def _window(day: date, start: time, end: time, pattern: Pattern) -> Window:
    return Window(day, local_epoch(day, start), local_epoch(day, end), pattern)


def _slot_bounds(window: Window) -> Iterable[Interval]:
    pattern = window.pattern
    length = pattern.slot_minutes * 60
    if length <= 0:
        return  # the model forbids it; the engine must not loop on it either
    if pattern.mode == SlotMode.FIXED:
        for at in sorted(set(pattern.fixed_starts)):
            start = local_epoch(window.day, at)
            if window.start <= start and start + length <= window.end:
                yield start, start + length
    elif pattern.mode == SlotMode.GRID:
        step = length + pattern.buffer_minutes * 60
        start = window.start
        while start + length <= window.end:
            yield start, start + length
            start += step


def free_slot_bounds(
    calendar: ResourceCalendar, first: date, last: date, *, not_before: int | None = None
) -> list[Interval]:
    """Free slots of one resource as (start, end) epoch pairs, sorted by start."""
    starts, ends = calendar.merged_blocked()
    candidate_starts, candidates = _candidate_bounds(
        tuple(calendar.rules), tuple(calendar.openings), first, last
    )
    begin = bisect_left(candidate_starts, not_before) if not_before is not None else 0
    return [
        (start, end) for start, end in candidates[begin:] if not _overlaps(starts, ends, start, end)
    ]


def free_slots(
    calendars: Iterable[ResourceCalendar], first: date, last: date, *, not_before: int | None = None
) -> list[Slot]:
    """Free slots of many resources, sorted by start, then resource."""
    bounds = [
        (start, calendar.resource_id, end)
        for calendar in calendars
        for start, end in free_slot_bounds(calendar, first, last, not_before=not_before)
    ]
    bounds.sort()
    return [Slot(resource_id, start, end) for start, resource_id, end in bounds]


def free_intervals(calendar: ResourceCalendar, first: date, last: date) -> list[Interval]:
    """Opening windows minus blocked time: when a window-type resource (a registrar) is free."""
    starts, ends = calendar.merged_blocked()
    open_starts, open_ends = _merge((w.start, w.end) for w in windows(calendar, first, last))
    result: list[Interval] = []
    for window_start, window_end in zip(open_starts, open_ends, strict=True):
        result.extend(_free_parts(starts, ends, window_start, window_end))
    return result


def _free_parts(starts: list[int], ends: list[int], low: int, high: int) -> Iterable[Interval]:
    """[low, high) minus the merged blocked intervals (`starts`, `ends`)."""
    cursor = low
    index = bisect_left(ends, cursor + 1)  # the first blocked interval ending after it
    while index < len(starts) and starts[index] < high:
        if starts[index] > cursor:
            yield cursor, starts[index]
        cursor = max(cursor, ends[index])
        index += 1
    if cursor < high:
        yield cursor, high


def contains(intervals: Sequence[Interval], start: int, end: int) -> bool:
    """Whether one of the sorted, disjoint `intervals` covers [start, end)."""
    index = bisect_left(intervals, (start + 1,)) - 1
    return index >= 0 and intervals[index][0] <= start and intervals[index][1] >= end


class Coverage:
    """Answers "does any one of these interval lists contain [start, end)?" with one bisect.

    All intervals sorted by start with a running maximum of their ends: some interval starting
    at or before `start` reaches `end` exactly when that running maximum does.
    """

    def __init__(self, interval_lists: Iterable[Sequence[Interval]]):
        merged = sorted(interval for intervals in interval_lists for interval in intervals)
        self._starts = [start for start, _ in merged]
        self._reach: list[int] = []
        reach = -1
        for _, end in merged:
            reach = max(reach, end)
            self._reach.append(reach)

    def covers(self, start: int, end: int) -> bool:
        index = bisect_right(self._starts, start) - 1
        return index >= 0 and self._reach[index] >= end


def slot_is_offered(calendar: ResourceCalendar, start: int, end: int) -> bool:
    """Whether [start, end) is exactly one of the resource's slots, or lies inside its open
    `window` time (ignoring bookings). Adjacent windows (08–13 and 13–18:30) are one open time,
    as the free-time search (`free_intervals`, `free_starts`) shows them."""
    day = from_epoch(start).date()
    day_windows = windows(calendar, day, day)
    if contains(_open_windows(day_windows), start, end):
        return True
    return any(
        window.pattern.mode != SlotMode.WINDOW and (start, end) in set(_slot_bounds(window))
        for window in day_windows
    )


def _open_windows(day_windows: Iterable[Window]) -> list[Interval]:
    """The `window`-pattern openings, adjacent and overlapping ones merged."""
    starts, ends = _merge(
        (w.start, w.end) for w in day_windows if w.pattern.mode == SlotMode.WINDOW
    )
    return list(zip(starts, ends, strict=True))


def free_runs(
    calendar: ResourceCalendar, first: date, last: date, *, not_before: int | None = None
) -> list[Interval]:
    """The free stretches of a resource booked by duration (a counter's `window` openings,
    adjacent ones as one): open and clear of every blocked interval, from `not_before` on."""
    starts, ends = calendar.merged_blocked()
    runs: list[Interval] = []
    for open_start, open_end in _open_windows(windows(calendar, first, last)):
        for free_start, free_end in _free_parts(starts, ends, open_start, open_end):
            if not_before is not None:
                free_start = max(free_start, not_before)
            if free_start < free_end:
                runs.append((free_start, free_end))
    return runs


def free_starts(
    calendar: ResourceCalendar,
    first: date,
    last: date,
    *,
    length: int,
    step: int,
    not_before: int | None = None,
) -> list[int]:
    """Every start, a multiple of `step` seconds (epoch, so on the local clock too while the
    step divides an hour), at which the resource is free for `length` seconds: inside one
    open window and clear of every blocked interval. For resources booked by duration (a
    counter's window), not by slot pattern.

    Only openings of the `window` pattern count (adjacent ones as one), exactly as the booking
    door's check (`slot_is_offered`) accepts a time."""
    if length <= 0 or step <= 0:
        return []
    found: list[int] = []
    for free_start, free_end in free_runs(calendar, first, last, not_before=not_before):
        start = -(-free_start // step) * step  # the first aligned moment inside
        found.extend(range(start, free_end - length + 1, step))
    return found


def free_by_duration(
    calendars: Iterable[ResourceCalendar],
    first: date,
    last: date,
    *,
    length: int,
    step: int,
    not_before: int | None = None,
) -> list[Slot]:
    """`free_starts` of many resources as slots of `length`, sorted by start, then resource."""
    bounds = [
        (start, calendar.resource_id)
        for calendar in calendars
        for start in free_starts(
            calendar, first, last, length=length, step=step, not_before=not_before
        )
    ]
    bounds.sort()
    return [Slot(resource_id, start, start + length) for start, resource_id in bounds]
