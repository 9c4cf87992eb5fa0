"""The draw as pure functions of the seed and the applications (no Django, no database).

1. `applications_dedupe`: an application whose e-mail address or couple (the unordered pair of
   full names) an earlier confirmed application already used counts for that earlier one.
2. `allocation_compute`: the remaining applications are ordered by SHA-256(seed + ":" +
   reference); in that order each gets its highest-ranked preference that is still free.
   A slot is refused when every registrar on duty for its time (`Duty`, published) is already
   taken by an earlier winner, so the result is a function of (seed, applications, free slots,
   registrars on duty, the registrar each winner got) that anyone can recompute from the
   published document. The step-by-step description is docs/lottery.md.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The commitment scheme is shared with the same-day draw of the citizen office (core).
from rathaus.core.draw import (
    SEED_BYTES,
    commitment_in_time,
    commitment_problems,
    draw_key,
    draw_order,
    seed_commitment,
)

__all__ = ["SEED_BYTES", "draw_key", "draw_order", "seed_commitment"]


# --- Duplicates --------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()


@dataclass(frozen=True)
class Candidate:
    """A confirmed application as the dedupe step sees it. `confirmed_at` only needs to sort."""

    reference: str
    confirmed_at: Any
    email: str
    partner_names: tuple[str, str]  # the two full names, e.g. "Çağla Öztürk"

    @property
    def keys(self) -> tuple[tuple[str, str], ...]:
        couple = "\x1f".join(sorted(_fold(name) for name in self.partner_names))
        return (("email", _fold(self.email)), ("couple", couple))


@dataclass(frozen=True)
class Dedupe:
    kept: tuple[str, ...]  # references that take part, earliest confirmed first
    duplicate_of: Mapping[str, str]  # duplicate reference -> the reference it counts for


def applications_dedupe(candidates: Iterable[Candidate]) -> Dedupe:
    """Earliest confirmed first (ties by reference); a later application sharing an e-mail
    address or a couple with an earlier one – kept or itself a duplicate – counts for the
    earliest kept application it shares one with, and its own keys join that group."""
    owner: dict[tuple[str, str], str] = {}
    kept: list[str] = []
    duplicate_of: dict[str, str] = {}
    position: dict[str, int] = {}
    seen: set[str] = set()
    for candidate in sorted(candidates, key=lambda c: (c.confirmed_at, c.reference)):
        if candidate.reference in seen:
            raise ValueError(f"reference twice: {candidate.reference}")
        seen.add(candidate.reference)
        groups = {owner[key] for key in candidate.keys if key in owner}
        if groups:
            group = min(groups, key=position.__getitem__)
            duplicate_of[candidate.reference] = group
        else:
            group = candidate.reference
            position[group] = len(kept)
            kept.append(group)
        for key in candidate.keys:
            owner.setdefault(key, group)
    return Dedupe(tuple(kept), duplicate_of)


# --- Allocation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    reference: str
    preferences: tuple[str, ...]  # slot keys, best first


@dataclass(frozen=True)
class Allocation:
    order: tuple[str, ...]
    allocated: Mapping[str, str | None]  # reference -> slot key or None
    refused: tuple[tuple[str, str], ...] = field(default=())  # (reference, slot) in draw order


Attempt = Callable[[str, str], bool]
Decided = Callable[[int, str, str | None, list[str]], None]


def allocation_compute(
    *,
    seed_hex: str,
    participants: Iterable[Participant],
    free_slots: Iterable[str],
    refused: Iterable[tuple[str, str]] = (),
    attempt: Attempt | None = None,
    decided: Decided | None = None,
) -> Allocation:
    """Serial dictatorship in the seeded order.

    `attempt(reference, slot)` books for real and says whether the booking door accepted; the
    replay leaves it out and uses the recorded `refused` pairs instead. `decided(position,
    reference, slot, refused_slots)` is told each application's outcome as soon as it is known.
    """
    by_reference: dict[str, tuple[str, ...]] = {}
    for participant in participants:
        if participant.reference in by_reference:
            raise ValueError(f"reference twice: {participant.reference}")
        by_reference[participant.reference] = participant.preferences
    free = set(free_slots)
    refused_known = set(refused)
    if attempt is None:

        def attempt(reference: str, slot: str) -> bool:
            return (reference, slot) not in refused_known

    order = draw_order(seed_hex, by_reference)
    taken: set[str] = set()
    allocated: dict[str, str | None] = {}
    refusals: list[tuple[str, str]] = []
    for position, reference in enumerate(order):
        won, refused_here = None, []
        for slot in by_reference[reference]:
            if slot not in free or slot in taken or slot in refused_here:
                continue
            if attempt(reference, slot):
                won = slot
                break
            refused_here.append(slot)
        if won is not None:
            taken.add(won)
        allocated[reference] = won
        refusals += [(reference, slot) for slot in refused_here]
        if decided is not None:
            decided(position, reference, won, refused_here)
    return Allocation(tuple(order), allocated, tuple(refusals))


# --- Registrars on duty -----------------------------------------------------------------------


class Duty:
    """The published table `{slot: {"from": "HH:MM", "until": "HH:MM", "registrars": [...]}}`
    and the registrars taken so far: a registrar is free for a slot when none of the times it
    was given in this draw overlaps the slot's [from, until) (travel included)."""

    def __init__(self, slots: Mapping[str, Mapping[str, Any]]):
        self.slots = slots
        self.busy: dict[str, list[tuple[str, str]]] = {}

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None) -> Duty | None:
        return cls(stored["slots"]) if stored and "slots" in stored else None

    def free_for(self, slot: str) -> list[str]:
        entry = self.slots.get(slot)
        if entry is None:
            return []
        start, end = entry["from"], entry["until"]
        return [
            registrar
            for registrar in entry["registrars"]
            if not any(lo < end and start < hi for lo, hi in self.busy.get(registrar, ()))
        ]

    def take(self, slot: str, registrar: str) -> None:
        entry = self.slots.get(slot)
        if entry is not None and registrar:
            self.busy.setdefault(registrar, []).append((entry["from"], entry["until"]))


# --- The published document --------------------------------------------------------------------


def document_verify(document: Mapping[str, Any], *, commitment: str | None = None) -> list[str]:
    """Recompute a published result document; the problems found (none when it matches).

    `commitment` is the hash the couple received before the draw (page or e-mail): the
    document must carry that one, not one made up afterwards.
    """
    seed = document.get("seed")
    if not seed:
        return ["the seed is not published yet"]
    problems = commitment_problems(
        seed_hex=seed, published=document["seed_commitment"], received=commitment
    )
    problems += commitment_in_time(
        document.get("seed_commitment_shown_at"), document.get("first_application_at")
    )
    participants = [
        Participant(entry["reference"], tuple(entry["preferences"]))
        for entry in document["applications"]
    ]
    published_refused = {(entry["reference"], entry["slot"]) for entry in document["refused"]}
    duty = Duty.of(
        {"slots": document["registrar_duty"]} if document.get("registrar_duty") else None
    )
    if duty is None:
        if published_refused:
            problems.append(
                f"{len(published_refused)} refusals are not backed by published registrars on duty"
            )
        allocation = allocation_compute(
            seed_hex=seed,
            participants=participants,
            free_slots=document["free_slots"],
            refused=published_refused,
        )
    else:
        allocation = _allocation_with_duty(document, seed, participants, duty, problems)
        derived = set(allocation.refused)
        for reference, slot in sorted(published_refused - derived):
            problems.append(
                f"{reference}: the refusal of {slot} is not explained by the registrars on duty"
            )
        for reference, slot in sorted(derived - published_refused):
            problems.append(f"{reference}: no registrar was free for {slot}; no refusal published")
    if list(allocation.order) != list(document["order"]):
        problems.append("the order differs")
    if dict(allocation.allocated) != dict(document["allocation"]):
        problems.append("the allocation differs")
    return problems


def _allocation_with_duty(document, seed, participants, duty: Duty, problems) -> Allocation:
    assigned = document.get("registrars_assigned", {})

    def attempt(reference: str, slot: str) -> bool:
        free = duty.free_for(slot)
        if not free:
            return False
        registrar = assigned.get(reference, "")
        if registrar not in free:
            problems.append(f"{reference}: registrar {registrar or '-'} was not free for {slot}")
            registrar = free[0]
        duty.take(slot, registrar)
        return True

    return allocation_compute(
        seed_hex=seed,
        participants=participants,
        free_slots=document["free_slots"],
        attempt=attempt,
    )


def participants_sorted(participants: Sequence[Participant]) -> list[Participant]:
    return sorted(participants, key=lambda participant: participant.reference)
