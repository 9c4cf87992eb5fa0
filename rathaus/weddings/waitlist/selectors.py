"""Reads of the waiting list: wishes in line, an offer's state, what a couple may see."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet

from rathaus.core.references import reference_shape
from rathaus.weddings.constants import ReservationStatus
from rathaus.weddings.models import Reservation
from rathaus.weddings.tokens import token_matches

from .constants import (
    CONFIRM,
    MANAGE,
    REFERENCE_LENGTH,
    REFERENCE_PREFIX,
    OfferStatus,
    WishStatus,
)
from .models import Offer, Wish

REFERENCE_SHAPE = reference_shape(REFERENCE_PREFIX, length=REFERENCE_LENGTH, with_year=False)
ACCEPTED_RESERVATION = (ReservationStatus.RESERVED, ReservationStatus.CONFIRMED)


def wish_by_reference(reference: str) -> Wish | None:
    reference = (reference or "").upper()
    if not REFERENCE_SHAPE.fullmatch(reference):
        return None
    return Wish.objects.filter(reference=reference).prefetch_related("venues").first()


def wish_authorised(wish: Wish | None, token: str | None, *, confirm: bool = False) -> bool:
    purpose = CONFIRM if confirm else MANAGE
    return wish is not None and token_matches(token, purpose, wish.reference, wish.token_nonce)


def wishes_waiting(*, day: date | None = None) -> QuerySet[Wish]:
    """Active wishes without an open offer, first come first served (by confirmation time)."""
    wishes = Wish.objects.filter(status=WishStatus.ACTIVE).exclude(
        pk__in=Offer.objects.filter(status=OfferStatus.OPEN).values("wish_id")
    )
    if day is not None:
        wishes = wishes.filter(first_day__lte=day, last_day__gte=day)
    return wishes.order_by("confirmed_at", "id").prefetch_related("venues")


def slots_already_offered(wish: Wish) -> set[tuple[int, datetime]]:
    """(venue id, start) of every slot this wish has been offered; it is not offered again."""
    return set(Offer.objects.filter(wish=wish).values_list("venue_id", "start"))


def offer_state(offer: Offer, now: datetime) -> OfferStatus:
    """An open offer's outcome as its reservation shows it (the job records it later)."""
    reservation = offer.reservation
    if offer.status != OfferStatus.OPEN or reservation is None:
        return OfferStatus(offer.status)
    if reservation.status in ACCEPTED_RESERVATION:
        return OfferStatus.ACCEPTED
    if reservation.status == ReservationStatus.CANCELLED:
        return OfferStatus.DECLINED
    expires_at = reservation.booking.expires_at
    if reservation.status == ReservationStatus.EXPIRED or (expires_at and expires_at <= now):
        return OfferStatus.LAPSED
    return OfferStatus.OPEN


def offers_of(wish: Wish) -> list[Offer]:
    return list(
        wish.offers.filter(reservation__isnull=False)
        .select_related("venue", "reservation__booking")
        .order_by("-offered_at", "-id")
    )


def offer_by_reservation(reservation: Reservation) -> Offer | None:
    return (
        Offer.objects.filter(reservation=reservation)
        .select_related("wish", "venue", "reservation__booking")
        .first()
    )


def offers_open() -> QuerySet[Offer]:
    return Offer.objects.filter(status=OfferStatus.OPEN).select_related(
        "wish", "venue", "reservation__booking"
    )
