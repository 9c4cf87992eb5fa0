"""Recompute a drawn lottery from its seed, the stored applications and the snapshot of free
slots, and compare with what was stored (`manage.py lottery_replay YYYY-MM-DD`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import pure_draw
from .constants import ApplicationStatus
from .models import DrawResult, Lottery, slot_key
from .selectors import candidate_of, participants_of

DECIDED = (ApplicationStatus.WON, ApplicationStatus.LOST)


@dataclass
class Replay:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    allocation: pure_draw.Allocation | None = None

    @property
    def matches(self) -> bool:
        return not self.problems


def lottery_replay(lottery: Lottery) -> Replay:
    replay = Replay()
    if not lottery.drawn_at or lottery.free_slots is None:
        replay.problems.append("the lottery has not been drawn")
        return replay
    if pure_draw.seed_commitment(lottery.seed) != lottery.seed_commitment:
        replay.problems.append("the seed does not match the published commitment")
    _check_entrants(lottery, replay)
    applications, participants = participants_of(lottery)
    results = {
        r.application.reference: r
        for r in DrawResult.objects.filter(application__lottery=lottery).select_related(
            "application", "duplicate_of", "reservation__venue"
        )
    }
    refused = [(ref, slot) for ref, r in results.items() for slot in r.refused]
    allocation = pure_draw.allocation_compute(
        seed_hex=lottery.seed,
        participants=participants,
        free_slots=lottery.free_slots,
        refused=refused,
    )
    replay.allocation = allocation
    # the published document must verify too: refusals against the registrars on duty
    from django.utils import timezone

    from .publication import lottery_document

    replay.problems += [
        f"published result: {problem}"
        for problem in pure_draw.document_verify(lottery_document(lottery, now=timezone.now()))
    ]
    stored_order = [
        ref
        for ref, r in sorted(results.items(), key=lambda item: item[1].position or 0)
        if r.position is not None
    ]
    if list(allocation.order) != stored_order:
        replay.problems.append("the drawn order differs from the stored order")
    for application in applications:
        result = results.get(application.reference)
        expected = allocation.allocated.get(application.reference)
        if result is None:
            replay.problems.append(f"{application.reference}: no stored result")
            continue
        if (result.slot or None) != expected:
            replay.problems.append(
                f"{application.reference}: stored {result.slot or '-'}, replay {expected or '-'}"
            )
        won = application.status == ApplicationStatus.WON
        if won != (expected is not None):
            replay.problems.append(f"{application.reference}: status {application.status}")
        if result.reservation is not None:
            booked = slot_key(result.reservation.venue.slug, result.reservation.start)
            if booked != result.slot:
                replay.notes.append(f"{application.reference}: reservation since moved")
    return replay


def _check_entrants(lottery: Lottery, replay: Replay) -> None:
    """Everyone confirmed in time took part or counted as a duplicate, and the duplicates are
    the ones the dedupe rule finds (while the personal data still exists)."""
    applications = list(lottery.applications.select_related("result__duplicate_of"))
    in_time = [
        a
        for a in applications
        if a.email_confirmed_at
        and a.email_confirmed_at < lottery.closes_at
        and a.status != ApplicationStatus.WITHDRAWN
    ]
    for application in applications:
        took_part = application.status in (*DECIDED, ApplicationStatus.DUPLICATE)
        if took_part != (application in in_time):
            replay.problems.append(f"{application.reference}: status {application.status}")
    if any(a.erased_at for a in in_time):
        replay.notes.append("duplicates not rechecked: the personal data has been erased")
        return
    dedupe = pure_draw.applications_dedupe(candidate_of(a) for a in in_time)
    stored = {}
    for application in in_time:
        result = getattr(application, "result", None)
        if application.status == ApplicationStatus.DUPLICATE:
            kept = result.duplicate_of if result else None
            stored[application.reference] = kept.reference if kept else "?"
    if dict(dedupe.duplicate_of) != stored:
        replay.problems.append("the duplicates differ from the dedupe rule")
