"""Scheduled jobs of the waiting list (cron lines: docs/runbooks/jobs.md): the sweep and
the retention.

`waitlist_match` records what became of open offers, passes lapsed offers' slots on, ends
wishes whose dates have passed and offers free slots to the wishes in line. It is idempotent
and safe when two copies run at once: outcomes are written only while an offer is still open,
a wish has at most one open offer (a constraint), and every offer is a reservation through the
booking door, which lets only one of two runs have a slot. Logs carry counts only.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from rathaus.core.timezone import BERLIN
from rathaus.weddings.constants import ReservationStatus
from rathaus.weddings.models import Reservation
from rathaus.weddings.selectors import CeremonySlot, ceremony_slots_free, slots_by_day

from .. import selectors
from ..constants import (
    OPTIN_VALID_DAYS,
    ORPHAN_CLAIM_MINUTES,
    RETENTION_DAYS,
    WAITING_STATUSES,
    OfferStatus,
    WishStatus,
)
from ..matching import Criteria
from ..models import Offer, Wish
from .offers import Outcome, offer_make, offer_settle
from .wishes import wish_erase

logger = logging.getLogger("rathaus.weddings.waitlist.jobs")

TRIES_PER_WISH = 5  # slots taken meanwhile before a wish waits for the next run


def waitlist_match(*, now: datetime | None = None) -> dict[str, int]:
    """The sweep: settle offers, end passed wishes, offer free slots in first-come order."""
    now = now or timezone.now()
    counts: Counter[str] = Counter()
    counts["repaired"] = _claims_repair(now)
    for offer in selectors.offers_open().filter(reservation__isnull=False):
        state = offer_settle(offer=offer, now=now)
        if state != OfferStatus.OPEN:
            counts[state] += 1
    counts["ended"] = wishes_end_due(now=now)
    counts["offered"] = _offer_free_slots(now)
    result = {key: value for key, value in counts.items() if value}
    logger.info("waiting list: %s", result)
    return result


def _claims_repair(now: datetime) -> int:
    """An offer row left without reservation (a run died in between): link it, or drop it."""
    repaired = 0
    stale = Offer.objects.filter(
        status=OfferStatus.OPEN,
        reservation__isnull=True,
        offered_at__lt=now - timedelta(minutes=ORPHAN_CLAIM_MINUTES),
    ).select_related("wish")
    for offer in stale:
        reservation = Reservation.objects.filter(
            venue_id=offer.venue_id,
            start=offer.start,
            email=offer.wish.email,
            status=ReservationStatus.PENDING,
            waitlist_offer__isnull=True,
        ).first()
        if reservation is None:
            Offer.objects.filter(pk=offer.pk, reservation__isnull=True).delete()
        else:
            Offer.objects.filter(pk=offer.pk, reservation__isnull=True).update(
                reservation=reservation, expires_at=reservation.booking.expires_at
            )
        repaired += 1
    return repaired


def wishes_end_due(*, now: datetime | None = None) -> int:
    """Wishes whose last day has passed leave the list."""
    now = now or timezone.now()
    today = now.astimezone(BERLIN).date()
    return Wish.objects.filter(status__in=WAITING_STATUSES, last_day__lt=today).update(
        status=WishStatus.ENDED, ended_at=now, updated_at=now
    )


def _offer_free_slots(now: datetime) -> int:
    wishes = list(selectors.wishes_waiting())
    if not wishes:
        return 0
    first = min(wish.first_day for wish in wishes)
    last = max(wish.last_day for wish in wishes)
    # Only what couples could reserve now: released days, no day still going to a lottery.
    by_day = slots_by_day(ceremony_slots_free(first=first, last=last, now=now))
    gone: set[tuple[int, datetime]] = set()
    offered = 0
    for wish in wishes:
        criteria = Criteria.of(wish)
        had = selectors.slots_already_offered(wish)
        tries = 0
        for slot in _slots_for(criteria, by_day, first, last):
            key = (slot.venue.pk, slot.start)
            if key in gone or key in had:
                continue
            outcome = offer_make(wish=wish, venue=slot.venue, start=slot.start, now=now)
            if outcome == Outcome.WISH_SKIPPED:
                break
            gone.add(key)
            if outcome == Outcome.OFFERED:
                offered += 1
                break
            tries += 1
            if tries >= TRIES_PER_WISH:
                break
    return offered


def _slots_for(
    criteria: Criteria, by_day: dict[date, list[CeremonySlot]], first: date, last: date
) -> Iterator[CeremonySlot]:
    for day in criteria.candidate_days(first, last):
        for slot in by_day.get(day, ()):
            if criteria.slot_fits(slot.venue, slot.start):
                yield slot


# --- Retention ---------------------------------------------------------------------------------


def wishes_erase_due(*, now: datetime | None = None) -> int:
    """Delete wishes (with their offers) 30 days after their range passed or they ended, and
    unconfirmed ones once their opt-in link has lapsed. Reservations are kept."""
    now = now or timezone.now()
    today = now.astimezone(BERLIN).date()
    cutoff = now - timedelta(days=RETENTION_DAYS)
    due = Wish.objects.filter(
        Q(last_day__lt=today - timedelta(days=RETENTION_DAYS))
        | Q(confirmed_at__isnull=True, created_at__lt=now - timedelta(days=OPTIN_VALID_DAYS))
        | Q(ended_at__lt=cutoff)
    )
    count = sum(wish_erase(pk=pk) for pk in list(due.values_list("pk", flat=True)))
    logger.info("waiting-list wishes erased: %s", count)
    return count
