"""The draw for real: claim the lottery, settle who takes part, book in the seeded order, tell
everyone. Idempotent and safe to run twice at once; a run that died is resumed.

The order and the choices come from `pure_draw.allocation_compute`, the same function the replay
and the published verification use; only `attempt` differs (here it books through
`reservation_create_for_lottery_winner`, whose refusals are recorded so the replay can repeat them).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rathaus.scheduling.exceptions import SlotNotOffered, SlotUnavailable
from rathaus.weddings.constants import ReservationStatus
from rathaus.weddings.lottery import audit_events as audit
from rathaus.weddings.models import Reservation
from rathaus.weddings.services import (
    Partner,
    ReservationRequest,
    reservation_create_for_lottery_winner,
)

from .. import pure_draw
from ..constants import ApplicationStatus
from ..models import Application, DrawResult, Lottery, Preference
from ..selectors import candidate_of, lotteries_due, participants_of, waitlist_url
from ..slots import (
    alternatives_for,
    alternatives_free,
    lottery_slots_offered,
    registrar_duty,
    slots_by_key,
)
from .applications import application_mail

logger = logging.getLogger("rathaus.weddings.lottery")

LEASE = timedelta(minutes=10)  # a run that has not moved for this long is taken over
WON_MAIL = "lottery/email/won"
LOST_MAIL = "lottery/email/lost"


def lotteries_draw_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    drawn = sum(lottery_draw(lottery=lottery, now=now) for lottery in lotteries_due(now))
    logger.info("lotteries drawn: %s", drawn)
    return drawn


def _claim(lottery: Lottery) -> bool:
    moment = timezone.now()
    return bool(
        Lottery.objects.filter(pk=lottery.pk, drawn_at__isnull=True, excluded=False)
        .filter(Q(draw_claimed_at__isnull=True) | Q(draw_claimed_at__lt=moment - LEASE))
        .update(draw_claimed_at=moment)
    )


def _heartbeat(lottery: Lottery) -> None:
    Lottery.objects.filter(pk=lottery.pk).update(draw_claimed_at=timezone.now())


def lottery_draw(*, lottery: Lottery, now: datetime | None = None) -> bool:
    """Draw one lottery whose window has closed. False when there was nothing to do."""
    now = now or timezone.now()
    if now < lottery.closes_at or not _claim(lottery):
        return False
    lottery.refresh_from_db()
    if lottery.drawn_at:
        return False
    if lottery.free_slots is None:
        _prepare(lottery, now)
        lottery.refresh_from_db()
    _allocate(lottery, now)
    _finish(lottery, now)
    return True


def _prepare(lottery: Lottery, now: datetime) -> None:
    """Who takes part (confirmed in time, duplicates once) and which slots are free now."""
    with transaction.atomic():
        lottery = Lottery.objects.select_for_update().get(pk=lottery.pk)
        if lottery.free_slots is not None:
            return
        lottery.applications.filter(status=ApplicationStatus.PENDING).update(
            status=ApplicationStatus.UNCONFIRMED, updated_at=now
        )
        entered = list(lottery.applications.filter(status=ApplicationStatus.ENTERED))
        dedupe = pure_draw.applications_dedupe(candidate_of(a) for a in entered)
        by_reference = {a.reference: a for a in entered}
        for reference, kept in dedupe.duplicate_of.items():
            application = by_reference[reference]
            application.status = ApplicationStatus.DUPLICATE
            application.save(update_fields=["status", "updated_at"])
            DrawResult.objects.create(application=application, duplicate_of=by_reference[kept])
        offered = lottery_slots_offered(lottery, now)
        lottery.free_slots = sorted(slots_by_key(offered))
        lottery.registrar_duty = registrar_duty(offered, lottery.day, now)
        lottery.save(update_fields=["free_slots", "registrar_duty", "updated_at"])


def _allocate(lottery: Lottery, now: datetime) -> None:
    applications, participants = participants_of(lottery)
    by_reference = {a.reference: a for a in applications}
    done = {
        result.application.reference: result
        for result in DrawResult.objects.filter(
            application__lottery=lottery, duplicate_of__isnull=True
        ).select_related("application")
    }

    duty = pure_draw.Duty.of(lottery.registrar_duty)
    pseudonyms = {pk: name for name, pk in (lottery.registrar_duty or {}).get("ids", {}).items()}

    def attempt(reference: str, key: str) -> bool:
        if reference in done:  # decided by an earlier run: repeat its outcome
            won = done[reference].slot == key
            if won and duty is not None:
                duty.take(key, done[reference].registrar)
            return won
        if duty is not None and not duty.free_for(key):
            return False  # every registrar on duty then is already taken (published rule)
        application = by_reference[reference]
        preference = next(p for p in application.preferences.all() if p.key == key)
        reservation = _booked_before(lottery, application, preference) or _book(
            application, preference, now
        )
        if reservation is None:
            return False
        by_reference[reference].won_reservation = reservation
        by_reference[reference].won_registrar = pseudonyms.get(reservation.registrar_id, "")
        if duty is not None:
            duty.take(key, by_reference[reference].won_registrar)
        return True

    def decided(position: int, reference: str, key: str | None, refused: list[str]) -> None:
        if reference in done:
            return
        application = by_reference[reference]
        with transaction.atomic():
            DrawResult.objects.create(
                application=application,
                position=position,
                slot=key or "",
                refused=refused,
                reservation=getattr(application, "won_reservation", None),
                registrar=getattr(application, "won_registrar", ""),
            )
            application.status = ApplicationStatus.WON if key else ApplicationStatus.LOST
            application.save(update_fields=["status", "updated_at"])
        _heartbeat(lottery)

    pure_draw.allocation_compute(
        seed_hex=lottery.seed,
        participants=participants,
        free_slots=lottery.free_slots,
        attempt=attempt,
        decided=decided,
    )


def _booked_before(lottery: Lottery, application: Application, preference: Preference):
    """A reservation an interrupted run made for this application but could not record."""
    return Reservation.objects.filter(
        venue=preference.venue,
        start=preference.start,
        email=application.email,
        status=ReservationStatus.RESERVED,
        created_at__gte=lottery.closes_at,
        lottery_result__isnull=True,
    ).first()


def _book(application: Application, preference: Preference, now: datetime):
    request = ReservationRequest(
        venue=preference.venue,
        start=preference.start,
        partners=(
            Partner(application.partner1_given_name, application.partner1_family_name),
            Partner(application.partner2_given_name, application.partner2_family_name),
        ),
        email=application.email,
        guests=application.guests,
        language=application.language,
        phone=application.phone,
    )
    try:
        created = reservation_create_for_lottery_winner(
            request=request, now=now, mail_template=WON_MAIL
        )
    except (ValidationError, SlotUnavailable, SlotNotOffered):
        return None
    return created.reservation


def _finish(lottery: Lottery, now: datetime) -> None:
    """Publish the seed (drawn_at) and tell those who drew nothing, each once."""
    alternatives = None
    with transaction.atomic():
        lottery = Lottery.objects.select_for_update().get(pk=lottery.pk)
        if lottery.drawn_at is None:
            lottery.drawn_at = now
            lottery.save(update_fields=["drawn_at", "updated_at"])
            audit.lottery_drawn(lottery=lottery, **_counts(lottery))
        results = DrawResult.objects.filter(
            application__lottery=lottery, notified_at__isnull=True, position__isnull=False
        ).select_related("application__lottery")
        for result in results:
            application = result.application
            if application.status == ApplicationStatus.LOST:
                if alternatives is None:
                    alternatives = alternatives_free(day=lottery.day, now=now)
                venue_ids = set(application.preferences.values_list("venue_id", flat=True))
                application_mail(
                    application,
                    LOST_MAIL,
                    alternatives=alternatives_for(
                        alternatives, guests=application.guests, venue_ids=venue_ids
                    ),
                    waitlist_url=waitlist_url(),
                )
            result.notified_at = now
            result.save(update_fields=["notified_at"])


def _counts(lottery: Lottery) -> dict[str, int]:
    statuses = list(lottery.applications.values_list("status", flat=True))
    return {
        "participants": sum(s in (ApplicationStatus.WON, ApplicationStatus.LOST) for s in statuses),
        "won": statuses.count(ApplicationStatus.WON),
        "duplicates": statuses.count(ApplicationStatus.DUPLICATE),
    }
