"""The same-day draw as pure functions of the seed, the requests and the free time (no
Django, no database): the real run (`services/draw_run.py`), the replay and anyone holding
the published document compute the same result. The rules are docs/decisions/0020.

1. Order: the requests sorted by SHA-256(seed + ":" + reference) (`rathaus.core.draw`).
2. Urgent quota: `urgent_percent` of the kept counters' free minutes goes first to requests
   with an urgent reason, in that order; a request that would overrun the quota is passed
   over in this phase (a shorter one after it may still fit).
3. Everyone else, and the urgent requests the quota did not place, in the same order.
4. Placing a request: the earliest start on the 5-minute grid at which one kept counter able
   to do all of its services is free for its minutes (ties: the counter listed first). The
   identity limits (active appointments per person and e-mail address) are asked only then
   (`eligible`); a refusal is published, and the time stays free for the next request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rathaus.core.draw import commitment_in_time, commitment_problems, draw_order

STEP = 300  # seconds: the counters' slot grid


@dataclass(frozen=True)
class Entry:
    reference: str
    minutes: int
    services: frozenset[str]
    urgent: bool


@dataclass(frozen=True)
class Desk:
    """A kept counter: its published name, the services it can do, its free time (epoch)."""

    name: str
    services: frozenset[str]
    free: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Placement:
    start: int
    end: int
    desk: str


@dataclass(frozen=True)
class Outcome:
    order: tuple[str, ...]
    urgent_quota_minutes: int
    allocation: Mapping[str, Placement | None]
    refused: tuple[str, ...]  # in the order they were refused
    urgent_phase: tuple[str, ...]  # placed within the urgent quota, in order


def _up(moment: int, step: int) -> int:
    return -(-moment // step) * step


def _usable(desks: Sequence[Desk], not_before: int, step: int) -> list[list[list[int]]]:
    usable = []
    for desk in desks:
        parts = []
        for start, end in sorted(desk.free):
            start = _up(max(start, not_before), step)
            if end - start >= step:
                parts.append([start, end])
        usable.append(parts)
    return usable


def quota_minutes(desks: Sequence[Desk], urgent_percent: int, not_before: int, step: int) -> int:
    """The urgent share of the free minutes (whole grid steps), rounded down."""
    total = sum(
        (end - start) // step * step
        for parts in _usable(desks, not_before, step)
        for start, end in parts
    )
    return total // 60 * urgent_percent // 100


def allocate(
    *,
    seed_hex: str,
    entries: Iterable[Entry],
    desks: Sequence[Desk],
    urgent_percent: int,
    not_before: int,
    step: int = STEP,
    eligible: Callable[[str], bool] | None = None,
    refused: Iterable[str] = (),
) -> Outcome:
    """Place the entries (see the module). `eligible(reference)` is asked once per entry for
    which a time was found (the real run counts the identity limits there); without it the
    `refused` references of a published result are refused again."""
    by_reference: dict[str, Entry] = {}
    for entry in entries:
        if entry.reference in by_reference:
            raise ValueError(f"reference twice: {entry.reference}")
        by_reference[entry.reference] = entry
    refused_known = set(refused)
    ask = eligible or (lambda reference: reference not in refused_known)
    free = _usable(desks, not_before, step)
    longest = [max((end - start for start, end in parts), default=0) for parts in free]
    widest = [max(longest, default=0)]  # no request longer than this fits anywhere
    able = {
        services: [i for i, desk in enumerate(desks) if services <= desk.services]
        for services in {entry.services for entry in by_reference.values()}
    }

    def find(entry: Entry) -> tuple[int, int, int] | None:
        length = entry.minutes * 60
        if length > widest[0]:
            return None
        best: tuple[int, int, int] | None = None
        for index in able[entry.services]:
            if longest[index] < length:
                continue
            for part, (start, end) in enumerate(free[index]):
                if start + length <= end:
                    if best is None or start < best[0]:
                        best = (start, index, part)
                    break
                if best is not None and start >= best[0]:
                    break
        return best

    def take(entry: Entry, found: tuple[int, int, int]) -> Placement:
        start, index, part = found
        end = start + entry.minutes * 60
        rest = _up(end, step)
        parts = free[index]
        if parts[part][1] - rest >= step:
            parts[part][0] = rest
        else:
            del parts[part]
        longest[index] = max((high - low for low, high in parts), default=0)
        widest[0] = max(longest)
        return Placement(start, end, desks[index].name)

    order = tuple(draw_order(seed_hex, by_reference))
    quota = quota_minutes(desks, urgent_percent, not_before, step)
    allocation: dict[str, Placement | None] = {}
    refusals: list[str] = []
    urgent_phase: list[str] = []

    def attempt(reference: str) -> bool:
        entry = by_reference[reference]
        found = find(entry)
        if found is None:
            return False
        if not ask(reference):
            refusals.append(reference)
            allocation[reference] = None
            return True  # decided
        allocation[reference] = take(entry, found)
        return True

    used = 0
    for reference in order:
        entry = by_reference[reference]
        if not entry.urgent or used + entry.minutes > quota:
            continue
        if attempt(reference) and allocation[reference] is not None:
            used += entry.minutes
            urgent_phase.append(reference)
    for reference in order:
        if reference not in allocation and not attempt(reference):
            allocation[reference] = None
    return Outcome(
        order=order,
        urgent_quota_minutes=quota,
        allocation={reference: allocation[reference] for reference in order},
        refused=tuple(refusals),
        urgent_phase=tuple(urgent_phase),
    )


# --- the published document --------------------------------------------------------------------


def epoch_of(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def entries_of(document: Mapping[str, Any]) -> list[Entry]:
    return [
        Entry(
            reference=item["reference"],
            minutes=int(item["minutes"]),
            services=frozenset(item["services"]),
            urgent=bool(item["urgent"]),
        )
        for item in document["requests"]
    ]


def desks_of(document: Mapping[str, Any]) -> list[Desk]:
    return [
        Desk(
            name=item["name"],
            services=frozenset(item["services"]),
            free=tuple((epoch_of(start), epoch_of(end)) for start, end in item["free"]),
        )
        for item in document["counters"]
    ]


def outcome_of(document: Mapping[str, Any]) -> Outcome:
    """Recompute the draw from a published document (refusals as published)."""
    return allocate(
        seed_hex=document["seed"],
        entries=entries_of(document),
        desks=desks_of(document),
        urgent_percent=int(document["urgent_percent"]),
        not_before=epoch_of(document["not_before"]),
        step=int(document["step_minutes"]) * 60,
        refused=document["refused"],
    )


def placement_published(placement: Placement | None, *, moment: Callable[[int], str]) -> Any:
    if placement is None:
        return None
    return {
        "start": moment(placement.start),
        "end": moment(placement.end),
        "counter": placement.desk,
    }


def document_verify(document: Mapping[str, Any], *, commitment: str | None = None) -> list[str]:
    """Recompute a published result document; the problems found (none when it matches).
    `commitment` is the hash received before the window opened (the page or an e-mail)."""
    seed = document.get("seed")
    if not seed:
        return ["the seed is not published yet"]
    problems = commitment_problems(
        seed_hex=seed, published=document["seed_commitment"], received=commitment
    )
    problems += commitment_in_time(
        document.get("seed_commitment_shown_at"), document.get("first_request_at")
    )
    if problems and "the seed does not match the commitment" in problems:
        return problems
    outcome = outcome_of(document)
    if list(outcome.order) != list(document["order"]):
        problems.append("the order differs")
    if outcome.urgent_quota_minutes != document["urgent_quota_minutes"]:
        problems.append("the urgent quota differs")
    if list(outcome.refused) != list(document["refused"]):
        problems.append("the refusals are not where a time was found")
    published = dict(document["allocation"])
    for reference in outcome.order:
        mine = outcome.allocation[reference]
        theirs = published.get(reference)
        if mine is None and theirs is None:
            continue
        if (
            mine is None
            or theirs is None
            or theirs.get("counter") != mine.desk
            or epoch_of(theirs["start"]) != mine.start
            or epoch_of(theirs["end"]) != mine.end
        ):
            problems.append(f"{reference}: the allocation differs")
    if set(published) != set(outcome.order):
        problems.append("the allocation names other requests than the order")
    return problems
