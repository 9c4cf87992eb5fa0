"""Reads of the appointments app: the catalogue, current fees, and free times.

The catalogue is configuration (cached per process until it changes, see
rathaus/core/revision.py), so a free-time search costs the scheduling core's one query for
bookings plus one revision check.
"""

from __future__ import annotations

import math
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate, compress
from typing import TypeVar

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.core.revision import cached
from rathaus.core.timezone import BERLIN
from rathaus.scheduling import engine
from rathaus.scheduling.selectors import calendars_between

from .constants import ACTIVE_STATUSES, MAX_PERSONS, STEP_MINUTES, AppointmentStatus
from .models import Appointment, Counter, Fee, Location, Service

T = TypeVar("T")


class PlanInvalid(ValueError):
    """The requested persons and services cannot be booked together; `message` says why."""

    def __init__(self, message: object) -> None:
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class CounterInfo:
    id: int
    resource_id: int
    location_id: int
    name: str
    services: frozenset[int]
    emergency_only: bool


@dataclass(frozen=True)
class Catalogue:
    services: dict[str, Service]
    locations: dict[str, Location]
    counters: dict[int, list[CounterInfo]]  # by location id, ordered by name
    offered_at: dict[int, frozenset[int]]  # service id -> location ids
    # values computed from this catalogue, kept as long as it is (catalogue_derived)
    derived: dict[str, object] = field(default_factory=dict, compare=False)


def _catalogue_load() -> Catalogue:
    services = {
        service.slug: service
        for service in Service.objects.prefetch_related(
            Prefetch("locations", queryset=Location.objects.only("id"))
        )
    }
    locations = {location.slug: location for location in Location.objects.all()}
    counters: dict[int, list[CounterInfo]] = {}
    for counter in Counter.objects.filter(resource__active=True).prefetch_related("services"):
        counters.setdefault(counter.location_id, []).append(
            CounterInfo(
                id=counter.pk,
                resource_id=counter.resource_id,
                location_id=counter.location_id,
                name=counter.name,
                services=frozenset(service.pk for service in counter.services.all()),
                emergency_only=counter.emergency_only,
            )
        )
    for infos in counters.values():
        infos.sort(key=lambda info: (_natural(info.name), info.id))
    offered_at = {
        service.pk: frozenset(location.pk for location in service.locations.all())
        for service in services.values()
    }
    return Catalogue(services, locations, counters, offered_at)


def _natural(name: str) -> tuple[str, int]:
    head, _, tail = name.rpartition(" ")
    return (head, int(tail)) if tail.isdigit() else (name, 0)


def catalogue() -> Catalogue:
    return cached("appointments.catalogue", _catalogue_load)


def catalogue_derived(name: str, compute: Callable[[Catalogue], T]) -> T:
    """`compute(catalogue())`, once per catalogue: a hot path's lookup table lives exactly as
    long as the configuration it was built from."""
    data = catalogue()
    if name not in data.derived:
        data.derived[name] = compute(data)
    return data.derived[name]  # type: ignore[return-value]


def services_public() -> list[Service]:
    """The A–Z list: every service, also those only for information, alphabetically."""
    return sorted(catalogue().services.values(), key=lambda service: service.name.casefold())


def services_search(query: str) -> list[Service]:
    words = [word.casefold() for word in query.split() if word]
    found = []
    for service in services_public():
        text = " ".join(
            [service.name_de, service.name_en, service.keywords, service.summary]
        ).casefold()
        if all(word in text for word in words):
            found.append(service)
    return found


def service_get(slug: str) -> Service | None:
    return catalogue().services.get(slug)


def location_get(slug: str) -> Location | None:
    return catalogue().locations.get(slug)


def locations_public() -> list[Location]:
    return locations_in_order(catalogue())


def locations_in_order(data: Catalogue) -> list[Location]:
    """The catalogue's locations as the public pages list them."""
    return sorted(data.locations.values(), key=lambda location: (location.order, location.slug))


def service_locations(service: Service) -> list[Location]:
    ids = catalogue().offered_at.get(service.pk, frozenset())
    return [location for location in locations_public() if location.pk in ids]


def fees_current(service: Service, on: date) -> list[Fee]:
    """The fee of each variant that applies on `on` (the latest `valid_from` not after it)."""
    latest: dict[str, Fee] = {}
    for fee in Fee.objects.filter(service=service, valid_from__lte=on).order_by("valid_from"):
        latest[fee.variant] = fee
    return sorted(
        latest.values(), key=lambda fee: (fee.min_age is None, -(fee.min_age or 0), fee.variant)
    )


def fee_for(service: Service, *, on: date, age: int | None) -> Decimal:
    """What one person of `age` pays for one count of the service on `on`: the variant for
    the age (else the standard one); extras such as 48 pages are not included."""
    fees = fees_current(service, on)
    by_age = [fee for fee in fees if fee.min_age is not None or fee.max_age is not None]
    if by_age and age is not None:
        for fee in by_age:
            if fee.applies_to_age(age):
                return fee.amount_eur
    if by_age:  # age unknown: the adult fee
        return max(fee.amount_eur for fee in by_age)
    standard = [fee for fee in fees if fee.variant in ("standard", "per-document")]
    return standard[0].amount_eur if standard else Decimal("0")


# --- what a booking is for: persons and their services ---------------------------------


@dataclass(frozen=True)
class PersonNeed:
    """One person's services as (slug, count) pairs."""

    services: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Plan:
    """Validated needs: each person's services and minutes at one location."""

    location: Location
    persons: tuple[tuple[tuple[Service, int], ...], ...]
    person_minutes: tuple[int, ...]
    service_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def minutes(self) -> int:
        return sum(self.person_minutes)

    @property
    def parallel_minutes(self) -> int:
        return max(self.person_minutes)

    def person_service_ids(self, index: int) -> frozenset[int]:
        return frozenset(service.pk for service, _count in self.persons[index])

    def service_counts(self) -> dict[str, int]:
        tally: Tally[str] = Tally()
        for person in self.persons:
            for service, count in person:
                tally[service.slug] += count
        return dict(tally)


def plan_make(
    location: Location | str | None, needs: Sequence[PersonNeed], *, online: bool = True
) -> Plan:
    """Check the needs against the catalogue; raises PlanInvalid with a message for people."""
    data = catalogue()
    if isinstance(location, str) or location is None:
        location = data.locations.get(location or "")
    if location is None:
        raise PlanInvalid(_("This location is unknown."))
    if not needs:
        raise PlanInvalid(_("Please choose at least one service."))
    if len(needs) > MAX_PERSONS:
        raise PlanInvalid(_("At most %(count)d persons per appointment.") % {"count": MAX_PERSONS})
    persons = []
    groups = set()
    for need in needs:
        if not need.services:
            raise PlanInvalid(_("Please choose at least one service for every person."))
        chosen: list[tuple[Service, int]] = []
        for slug, count in need.services:
            service = data.services.get(slug)
            if service is None:
                raise PlanInvalid(_("The service “%(slug)s” is unknown.") % {"slug": slug})
            if service.information_only or (online and not service.online):
                raise PlanInvalid(
                    _("“%(service)s” cannot be booked online.") % {"service": service.name}
                )
            if location.pk not in data.offered_at.get(service.pk, ()):
                raise PlanInvalid(
                    _("“%(service)s” is not offered at %(location)s.")
                    % {"service": service.name, "location": location.name}
                )
            if count < 1:
                raise PlanInvalid(_("A count must be at least 1."))
            if any(other.pk == service.pk for other, _count in chosen):
                raise PlanInvalid(
                    _("“%(service)s” is chosen twice for one person.") % {"service": service.name}
                )
            chosen.append((service, count))
            groups.add(service.combination_group)
        persons.append(tuple(chosen))
    totals: Tally[int] = Tally()
    for person in persons:
        for service, count in person:
            totals[service.pk] += count
    for person in persons:
        for service, _count in person:
            if totals[service.pk] > service.max_count:
                raise PlanInvalid(
                    _("“%(service)s”: at most %(count)d per appointment.")
                    % {"service": service.name, "count": service.max_count}
                )
    if len(groups) > 1:
        raise PlanInvalid(_("These services cannot be combined in one appointment."))
    minutes = tuple(sum(service.minutes * count for service, count in person) for person in persons)
    service_ids = frozenset(service.pk for person in persons for service, _count in person)
    return Plan(location, tuple(persons), minutes, service_ids)


def needs_parse(text: str) -> list[PersonNeed]:
    """'personalausweis:2,reisepass:1' (one person, the API's form) -> needs; ValueError."""
    services = []
    for part in (text or "").split(","):
        slug, _sep, count = part.strip().partition(":")
        if not slug:
            raise ValueError("empty service")
        services.append((slug, int(count) if count else 1))
    return [PersonNeed(tuple(services))]


# --- free times -----------------------------------------------------------------------


class FreeTime:
    """A start at which the plan fits: `free` such appointments can still start then;
    `parallel`: the persons side by side at several counters. Epoch seconds inside,
    datetimes when asked (thousands are made per search)."""

    __slots__ = ("end_epoch", "free", "parallel", "start_epoch")

    def __init__(self, start_epoch: int, end_epoch: int, free: int, parallel: bool = False):
        self.start_epoch = start_epoch
        self.end_epoch = end_epoch
        self.free = free
        self.parallel = parallel

    @property
    def start(self) -> datetime:
        return engine.from_epoch(self.start_epoch)

    @property
    def end(self) -> datetime:
        return engine.from_epoch(self.end_epoch)

    def __repr__(self) -> str:
        return f"FreeTime({self.start:%Y-%m-%d %H:%M}, free={self.free}, parallel={self.parallel})"


def counters_able(plan: Plan, service_ids: frozenset[int] | None = None) -> list[CounterInfo]:
    wanted = plan.service_ids if service_ids is None else service_ids
    return [
        info for info in catalogue().counters.get(plan.location.pk, []) if wanted <= info.services
    ]


def counters_kept_for_same_day(location: Location) -> set[int]:
    """The counters whose time waits for the same-day draw: the location's share of its
    regular counters, the last ones by name (rounded up)."""
    regular = [
        info for info in catalogue().counters.get(location.pk, []) if not info.emergency_only
    ]
    kept = math.ceil(len(regular) * location.same_day_percent / 100)
    return {info.id for info in regular[len(regular) - kept :]} if kept else set()


def same_day_released(location: Location, day: date, now: datetime) -> bool:
    """Whether today's kept capacity is open to everyone: after the draw, for today only."""
    from .same_day import release_moment

    return day == now.astimezone(BERLIN).date() and now >= release_moment(location, day)


def bookable_counters(
    plan: Plan, day: date, now: datetime, *, with_kept: bool = False
) -> list[CounterInfo]:
    """Counters that may take an appointment of `plan` on `day` for first-come booking."""
    kept = _kept_out(plan, day, now, with_kept)
    return [info for info in counters_able(plan) if info.id not in kept]


def _kept_out(plan: Plan, day: date, now: datetime, with_kept: bool) -> set[int]:
    """The counters first-come booking may not use on `day` (kept for the same-day draw)."""
    if with_kept or same_day_released(plan.location, day, now):
        return set()
    return counters_kept_for_same_day(plan.location)


def booking_range(location: Location, now: datetime) -> tuple[date, date]:
    today = now.astimezone(BERLIN).date()
    return today, today + timedelta(days=location.horizon_days)


def free_times(
    plan: Plan,
    first: date,
    last: date,
    *,
    now: datetime | None = None,
    with_kept: bool = False,
    parallel: bool | None = None,
) -> list[FreeTime]:
    """Every start on the 5-minute grid from `first` to `last` at which the whole plan fits:
    at one counter able to do every service (`free` = how many such counters), or — where the
    location allows it and no single counter is free — the persons side by side at distinct
    counters (`parallel`, `free` = 1). Sorted by start.

    Counting runs on the grid with difference arrays over each counter's free stretches, so
    the cost grows with the number of stretches and grid points, not with counters × starts."""
    now = now or timezone.now()
    today = now.astimezone(BERLIN).date()
    if last < first:
        return []
    use_parallel = plan.location.parallel_counters if parallel is None else parallel
    use_parallel = use_parallel and len(plan.persons) > 1
    spans: list[tuple[date, date]] = []
    if first <= today <= last:
        spans.append((today, today))  # today alone: its kept counters may be released
        if today < last:
            spans.append((today + timedelta(days=1), last))
    elif first > today:
        spans.append((first, last))
    result: list[FreeTime] = []
    for span_first, span_last in spans:
        result.extend(_free_times_span(plan, span_first, span_last, now, with_kept, use_parallel))
    return result


def _free_times_span(
    plan: Plan, first: date, last: date, now: datetime, with_kept: bool, use_parallel: bool
) -> list[FreeTime]:
    single = bookable_counters(plan, first, now, with_kept=with_kept)
    per_person = (
        list(counters_for_parallel(plan, now, first, with_kept).values()) if use_parallel else []
    )
    resource_ids = {info.resource_id for info in single}
    for infos in per_person:
        resource_ids |= {info.resource_id for info in infos}
    if not resource_ids:
        return []
    step = STEP_MINUTES * 60
    not_before = engine.epoch(now) + 1
    runs = {
        calendar.resource_id: engine.free_runs(calendar, first, last, not_before=not_before)
        for calendar in calendars_between(sorted(resource_ids), first, last, now=now)
    }
    grid = _Grid(first, last, step)
    length = plan.minutes * 60
    counts = grid.counts([runs[info.resource_id] for info in single], length)
    base, step = grid.base, grid.step
    found = [
        FreeTime(base + index * step, base + index * step + length, counts[index])
        for index in compress(range(grid.size), counts)
    ]
    if not use_parallel:
        return found
    extra = _parallel_indexes(plan, grid, runs, per_person, counts)
    if not extra:
        return found
    parallel_length = plan.parallel_minutes * 60
    found.extend(
        FreeTime(grid.start(index), grid.start(index) + parallel_length, 1, True) for index in extra
    )
    found.sort(key=lambda free_time: free_time.start_epoch)
    return found


class _Grid:
    """The 5-minute grid of a range of days (epoch multiples of the step, so local too)."""

    def __init__(self, first: date, last: date, step: int) -> None:
        self.step = step
        self.base = engine.local_epoch(first, datetime.min.time())
        self.size = (
            engine.local_epoch(last + timedelta(days=1), datetime.min.time()) - self.base
        ) // step

    def start(self, index: int) -> int:
        return self.base + index * self.step

    def counts(self, stretches: Iterable[list[tuple[int, int]]], length: int) -> list[int]:
        """Per grid start: how many of the resources (one list of free stretches each) are
        free for `length` seconds from then."""
        diff = [0] * (self.size + 1)
        step, base = self.step, self.base
        for runs in stretches:
            for free_start, free_end in runs:
                first = -(-free_start // step) * step
                last = free_end - length
                if last >= first:
                    diff[(first - base) // step] += 1
                    diff[(last - base) // step + 1] -= 1
        diff.pop()  # the end marker past the last start
        return list(accumulate(diff))


def _parallel_indexes(
    plan: Plan,
    grid: _Grid,
    runs: dict[int, list[tuple[int, int]]],
    per_person: list[list[CounterInfo]],
    single_counts: list[int],
) -> list[int]:
    """Grid starts without a single free counter where every person gets a counter of their
    own. When every person may use the same counters, the sets "free for m minutes" are nested,
    so Hall's condition reduces to: the k-th longest need has at least k counters free for it.
    Otherwise each start is matched (`parallel_assignment`)."""
    if all({i.id for i in infos} == {i.id for i in per_person[0]} for infos in per_person):
        needs = sorted(plan.person_minutes, reverse=True)
        stretches = [runs[info.resource_id] for info in per_person[0]]
        by_length = {m: grid.counts(stretches, m * 60) for m in set(needs)}
        # "at least k free for the k-th longest need", for every k, at each grid start
        persons = len(needs)
        enough = compress(range(grid.size), (count >= persons for count in by_length[needs[-1]]))
        return [
            index
            for index in enough
            if not single_counts[index]
            and all(by_length[m][index] >= k for k, m in enumerate(needs, start=1))
        ]
    free_for = [
        {info.resource_id: grid.counts([runs[info.resource_id]], minutes * 60) for info in infos}
        for infos, minutes in zip(per_person, plan.person_minutes, strict=True)
    ]
    return [
        index
        for index in range(grid.size)
        if not single_counts[index]
        and parallel_assignment(
            [[rid for rid, counts in person.items() if counts[index]] for person in free_for]
        )
        is not None
    ]


def counters_for_parallel(
    plan: Plan, now: datetime, day: date, with_kept: bool
) -> dict[int, list[CounterInfo]]:
    """Per person: the counters able to serve that person's services (first-come rules)."""
    kept = _kept_out(plan, day, now, with_kept)
    return {
        index: [
            info
            for info in counters_able(plan, plan.person_service_ids(index))
            if info.id not in kept
        ]
        for index in range(len(plan.persons))
    }


def parallel_assignment(candidates: Sequence[Sequence[int]]) -> list[int] | None:
    """A distinct resource for every person (bipartite matching by augmenting paths), or None."""
    owner: dict[int, int] = {}

    def place(person: int, seen: set[int]) -> bool:
        for resource in candidates[person]:
            if resource in seen:
                continue
            seen.add(resource)
            if resource not in owner or place(owner[resource], seen):
                owner[resource] = person
                return True
        return False

    for person in range(len(candidates)):
        if not place(person, set()):
            return None
    assignment = [0] * len(candidates)
    for resource, person in owner.items():
        assignment[person] = resource
    return assignment


# --- appointments ---------------------------------------------------------------------


def appointment_by_reference(reference: str) -> Appointment | None:
    return (
        Appointment.objects.select_related("location", "booking")
        .prefetch_related("persons__requests__service")
        .filter(reference=reference)
        .first()
    )


def appointments_of_day(location: Location, day: date) -> QuerySet[Appointment]:
    from rathaus.core.timezone import local_datetime

    start = local_datetime(day, datetime.min.time())
    return (
        Appointment.objects.filter(
            location=location, start__gte=start, start__lt=start + timedelta(days=1)
        )
        .exclude(status__in=[AppointmentStatus.HELD])
        .select_related("booking")
        .prefetch_related("persons__requests__service", "persons__counter")
        .order_by("start")
    )


def active_appointments(location_ids: Iterable[int] | None = None) -> QuerySet[Appointment]:
    queryset = Appointment.objects.filter(status__in=ACTIVE_STATUSES)
    if location_ids is not None:
        queryset = queryset.filter(location_id__in=list(location_ids))
    return queryset


# --- the citizen's pages: the public status page and the booking flow -----------------


@dataclass(frozen=True)
class SameDayState:
    kept: bool  # the location keeps a share of today for the same-day draw
    released: bool  # today's draw is over: what is left is open to everyone
    free_minutes: int  # free minutes today at the kept counters (before the release)
    release_at: datetime | None  # the next moment a day's kept time opens to everyone


@dataclass(frozen=True)
class NextFree:
    service: Service
    start: datetime | None


@dataclass(frozen=True)
class LocationStatus:
    location: Location
    horizon_days: int
    services: list[NextFree]
    same_day: SameDayState


def services_bookable_at(location: Location) -> list[Service]:
    """The services one may book online at `location`, alphabetically."""
    return [
        service
        for service in service_locations_inverse(location)
        if service.online and not service.information_only
    ]


def service_locations_inverse(location: Location) -> list[Service]:
    data = catalogue()
    return [
        service
        for service in services_public()
        if location.pk in data.offered_at.get(service.pk, frozenset())
    ]


def next_free_start(plan: Plan, now: datetime) -> datetime | None:
    """The first free start of `plan` in the location's booking range, or None."""
    first, last = booking_range(plan.location, now)
    found = free_times(plan, first, last, now=now)
    return found[0].start if found else None


def _kept_free_minutes(location: Location, day: date, now: datetime) -> int:
    kept = counters_kept_for_same_day(location)
    if not kept:
        return 0
    infos = [info for info in catalogue().counters.get(location.pk, []) if info.id in kept]
    calendars = calendars_between([info.resource_id for info in infos], day, day, now=now)
    step = STEP_MINUTES * 60
    minutes = 0
    for calendar in calendars:
        starts = engine.free_starts(
            calendar, day, day, length=step, step=step, not_before=engine.epoch(now)
        )
        minutes += len(starts) * STEP_MINUTES
    return minutes


def _next_release(location: Location, now: datetime, days: int = 14) -> datetime | None:
    """The next release moment of a day on which a kept counter is open."""
    from .same_day import release_moment

    kept = counters_kept_for_same_day(location)
    if not kept:
        return None
    infos = [info for info in catalogue().counters.get(location.pk, []) if info.id in kept]
    today = now.astimezone(BERLIN).date()
    calendars = calendars_between(
        [info.resource_id for info in infos], today, today + timedelta(days=days), now=now,
        include_bookings=False,
    )  # fmt: skip
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        moment = release_moment(location, day)
        if moment <= now:
            continue
        if any(engine.windows(calendar, day, day) for calendar in calendars):
            return moment
    return None


def same_day_state(location: Location, now: datetime) -> SameDayState:
    today = now.astimezone(BERLIN).date()
    kept = bool(counters_kept_for_same_day(location))
    released = kept and same_day_released(location, today, now)
    return SameDayState(
        kept=kept,
        released=released,
        free_minutes=0 if released or not kept else _kept_free_minutes(location, today, now),
        release_at=_next_release(location, now),
    )


def public_status(now: datetime) -> list[LocationStatus]:
    """Per location bookable online: the next free time of each service for one person,
    and today's same-day capacity. Services with the same minutes and the same able counters
    share one search."""
    result = []
    for location in locations_public():
        if not location.online_booking:
            continue
        shared: dict[tuple[int, frozenset[int]], datetime | None] = {}
        entries = []
        for service in services_bookable_at(location):
            try:
                plan = plan_make(location, [PersonNeed(((service.slug, 1),))])
            except PlanInvalid:
                continue
            key = (plan.minutes, frozenset(info.id for info in counters_able(plan)))
            if key not in shared:
                shared[key] = next_free_start(plan, now)
            entries.append(NextFree(service, shared[key]))
        result.append(
            LocationStatus(location, location.horizon_days, entries, same_day_state(location, now))
        )
    return result
