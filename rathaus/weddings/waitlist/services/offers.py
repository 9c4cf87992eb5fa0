"""Offers of freed slots to wishes: make, decline, settle, and the Traukalender's hook for
a freed slot. An offer is a pending reservation made through
`weddings.services.reservation_create_for_waitlist_offer` (see the package's docstring)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from enum import Enum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rathaus.core.timezone import BERLIN
from rathaus.scheduling.exceptions import SlotNotOffered, SlotUnavailable
from rathaus.weddings import audit_events as audit
from rathaus.weddings import services as weddings
from rathaus.weddings.models import Reservation, Venue

from .. import selectors
from ..constants import (
    MAX_LAPSES,
    OfferStatus,
    WishStatus,
)
from ..matching import Criteria
from ..models import Offer, Wish
from .endings import wish_end

logger = logging.getLogger("rathaus.weddings.waitlist")

OFFER_MAIL = "waitlist/email/offer"
DECLINE_REASON = "declined the waiting-list offer"
WITHDRAW_REASON = "withdrew from the waiting list"


def offer_hours() -> int:
    return getattr(settings, "RATHAUS_WAITLIST_OFFER_HOURS", 48)


class Outcome(Enum):
    OFFERED = "offered"
    SLOT_GONE = "slot_gone"  # not free (any more): no other wish gets it either
    WISH_SKIPPED = "wish_skipped"  # this wish cannot take it now; the next one may


def _claim(wish: Wish, venue: Venue, start: datetime, now: datetime) -> Offer | None:
    """Reserve the wish's one open-offer place, or None if it is taken or the wish ended."""
    try:
        with transaction.atomic():
            if (
                not Wish.objects.select_for_update()
                .filter(pk=wish.pk, status=WishStatus.ACTIVE)
                .exists()
            ):
                return None
            return Offer.objects.create(
                wish=wish, venue=venue, start=start, status=OfferStatus.OPEN, offered_at=now
            )
    except IntegrityError:  # another run holds an open offer for this wish
        return None


def offer_make(
    *,
    wish: Wish,
    venue: Venue,
    start: datetime,
    supersede_booking_ids: tuple[int, ...] = (),
    now: datetime | None = None,
) -> Outcome:
    """Offer one slot to one wish: a pending reservation held for `offer_hours()`, by e-mail."""
    now = now or timezone.now()
    claim = _claim(wish, venue, start, now)
    if claim is None:
        return Outcome.WISH_SKIPPED
    try:
        created = weddings.reservation_create_for_waitlist_offer(
            request=weddings.ReservationRequest(
                venue=venue,
                start=start,
                partners=(
                    weddings.Partner(wish.partner1_given_name, wish.partner1_family_name),
                    weddings.Partner(wish.partner2_given_name, wish.partner2_family_name),
                ),
                email=wish.email,
                phone=wish.phone,
                guests=wish.guests,
                language=wish.language,
            ),
            now=now,
            hold_for=timedelta(hours=offer_hours()),
            supersede_booking_ids=tuple(supersede_booking_ids),
            mail_template=OFFER_MAIL,
        )
    except (SlotUnavailable, SlotNotOffered):
        claim.delete()
        return Outcome.SLOT_GONE
    except ValidationError as error:  # lead time passed (the slot), or the couple's limit
        claim.delete()
        slot_error = hasattr(error, "error_dict") and "start" in error.error_dict
        return Outcome.SLOT_GONE if slot_error else Outcome.WISH_SKIPPED
    _offer_link(claim, created.reservation, now)
    return Outcome.OFFERED


def _offer_link(claim: Offer, reservation: Reservation, now: datetime) -> None:
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=claim.pk)
        offer.reservation = reservation
        offer.expires_at = reservation.booking.expires_at
        offer.save(update_fields=["reservation", "expires_at", "updated_at"])
        audit.waitlist_offer_made(reservation=reservation, hours=offer_hours())
        withdrawn = offer.status != OfferStatus.OPEN  # the wish was withdrawn meanwhile
        if withdrawn:
            weddings.reservation_cancel(reservation=reservation, reason=WITHDRAW_REASON, now=now)


def offer_decline(
    *, offer: Offer, remove_from_list: bool = False, now: datetime | None = None
) -> Offer:
    """The couple says no: the hold is cancelled and the slot goes on to the next wish."""
    now = now or timezone.now()
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if remove_from_list:
            wish_end(wish=offer.wish, status=WishStatus.WITHDRAWN, now=now)
        if offer.status != OfferStatus.OPEN or offer.reservation is None:
            return offer
        if offer_settle(offer=offer, now=now, pass_on=False) != OfferStatus.OPEN:
            offer.refresh_from_db()
            return offer  # accepted or lapsed already
        offer.status, offer.decided_at = OfferStatus.DECLINED, now
        offer.save(update_fields=["status", "decided_at", "updated_at"])
        audit.waitlist_offer_declined(reservation=offer.reservation)
        # Cancelling frees the slot; the Traukalender then calls waitlist_slot_freed on commit.
        weddings.reservation_cancel(reservation=offer.reservation, reason=DECLINE_REASON, now=now)
    return offer


def offer_settle(*, offer: Offer, now: datetime | None = None, pass_on: bool = True) -> str:
    """Record what became of an open offer (accepted, cancelled, lapsed) and end wishes.

    A lapsed offer's slot is passed on to the next wish at once (`pass_on`). Idempotent: the
    outcome is written only while the offer is still open.
    """
    now = now or timezone.now()
    state = selectors.offer_state(offer, now)
    if state == OfferStatus.OPEN:
        return state
    with transaction.atomic():
        if not Offer.objects.filter(pk=offer.pk, status=OfferStatus.OPEN).update(
            status=state, decided_at=now, updated_at=now
        ):
            return state  # another run recorded it
        if state == OfferStatus.ACCEPTED:
            wish_end(wish=offer.wish, status=WishStatus.FULFILLED, now=now)
        elif (
            state == OfferStatus.LAPSED
            and offer.wish.offers.filter(status=OfferStatus.LAPSED).count() >= MAX_LAPSES
        ):
            wish_end(wish=offer.wish, status=WishStatus.ENDED, now=now)
    reservation = offer.reservation  # set on every offer that can lapse
    if state == OfferStatus.LAPSED and pass_on and reservation is not None:
        waitlist_slot_freed(
            venue=reservation.venue,
            start=reservation.start,
            end=reservation.end,
            freed_booking_id=reservation.booking_id,
            now=now,
        )
    return state


def waitlist_slot_freed(
    *,
    venue: Venue,
    start: datetime,
    end: datetime | None = None,
    freed_booking_id: int | None = None,
    now: datetime | None = None,
) -> Offer | None:
    """A slot has just become free: offer it to the first wish in line that it fits.

    Called by the Traukalender after a cancellation commits (the slot is still in its
    quarantine then, which `freed_booking_id` lets the offer take over) and by the job for
    lapsed offers. Returns the new offer, or None when no wish takes it.
    """
    now = now or timezone.now()
    if freed_booking_id is not None:
        for offer in selectors.offers_open().filter(reservation__booking_id=freed_booking_id):
            offer_settle(offer=offer, now=now, pass_on=False)
    if start <= now or not venue.active:
        return None
    supersede = (freed_booking_id,) if freed_booking_id is not None else ()
    for wish in selectors.wishes_waiting(day=start.astimezone(BERLIN).date()):
        if not Criteria.of(wish).slot_fits(venue, start):
            continue
        if (venue.pk, start) in selectors.slots_already_offered(wish):
            continue
        outcome = offer_make(
            wish=wish, venue=venue, start=start, supersede_booking_ids=supersede, now=now
        )
        if outcome == Outcome.OFFERED:
            logger.info("waiting list: freed slot offered")
            return Offer.objects.filter(wish=wish, venue=venue, start=start).last()
        if outcome == Outcome.SLOT_GONE:
            return None
    return None
