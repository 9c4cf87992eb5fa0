"""The public result document (`/trauung/verlosung/<date>/ergebnis.json`): everything needed
to recompute the draw, and nothing about the couples but their pseudonymous references."""

from __future__ import annotations

from datetime import datetime

from rathaus.core.timezone import BERLIN

from .constants import ApplicationStatus
from .models import DrawResult, Lottery
from .selectors import lottery_state, participants_of

FORMAT = "rathaus-wedding-lottery/2"


def lottery_document(lottery: Lottery, *, now: datetime) -> dict:
    document = {
        "format": FORMAT,
        "day": lottery.day.isoformat(),
        "state": str(lottery_state(lottery, now)),
        "applications_open_at": lottery.opens_at.isoformat(),
        "applications_close_at": lottery.closes_at.isoformat(),
        "seed_commitment": lottery.seed_commitment,
        "seed_commitment_shown_at": _moment(lottery.commitment_shown_at),
        "first_application_at": _moment(
            lottery.applications.order_by("created_at").values_list("created_at", flat=True).first()
        ),
        "seed": lottery.seed_public,
        "drawn_at": lottery.drawn_at.isoformat() if lottery.drawn_at else None,
        "free_slots": [],
        "applications": [],
        "duplicates_excluded": 0,
        "registrar_duty": {},
        "refused": [],
        "order": [],
        "allocation": {},
        "registrars_assigned": {},
    }
    if not lottery.drawn_at:
        return document
    _, participants = participants_of(lottery)
    results = list(
        DrawResult.objects.filter(application__lottery=lottery, position__isnull=False)
        .select_related("application")
        .order_by("position")
    )
    document.update(
        free_slots=list(lottery.free_slots or []),
        applications=[
            {"reference": p.reference, "preferences": list(p.preferences)}
            for p in sorted(participants, key=lambda p: p.reference)
        ],
        duplicates_excluded=lottery.applications.filter(status=ApplicationStatus.DUPLICATE).count(),
        registrar_duty=(lottery.registrar_duty or {}).get("slots", {}),
        refused=[
            {"reference": r.application.reference, "slot": slot}
            for r in results
            for slot in r.refused
        ],
        order=[r.application.reference for r in results],
        allocation={r.application.reference: r.slot or None for r in results},
        registrars_assigned={r.application.reference: r.registrar for r in results if r.slot},
    )
    return document


def _moment(value: datetime | None) -> str | None:
    return value.astimezone(BERLIN).isoformat() if value else None
