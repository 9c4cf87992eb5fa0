"""Writes of the waiting list: wishes (create, opt-in, withdraw) and offers (make, decline, settle).

An offer is a pending reservation made through
`weddings.services.reservation_create_for_waitlist_offer`, so the
scheduling core holds the slot for it under its usual locks and constraint: an offer for a
slot that is not free cannot come into being. The offer row is claimed first (at most one open
offer per wish, a constraint), then the reservation is made; a failed reservation removes the
claim again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from rathaus.core.mail import mail_send_on_commit
from rathaus.core.references import reference_draw, reference_unique
from rathaus.core.timezone import BERLIN
from rathaus.scheduling.exceptions import SlotNotOffered, SlotUnavailable
from rathaus.weddings import audit_events as audit
from rathaus.weddings import services as weddings
from rathaus.weddings.models import Venue
from rathaus.weddings.selectors import bookable_range, reservation_policy
from rathaus.weddings.tokens import nonce_new

from . import selectors
from .constants import (
    DATES_MAX,
    MAX_LAPSES,
    OPTIN_VALID_DAYS,
    RANGE_MAX_MONTHS,
    REFERENCE_LENGTH,
    REFERENCE_PREFIX,
    WAITING_STATUSES,
    WISHES_PER_EMAIL,
    OfferStatus,
    WishStatus,
)
from .matching import Criteria
from .models import Offer, Wish

logger = logging.getLogger("rathaus.weddings.waitlist")

OFFER_MAIL = "waitlist/email/offer"
DECLINE_REASON = "declined the waiting-list offer"
WITHDRAW_REASON = "withdrew from the waiting list"


def offer_hours() -> int:
    return getattr(settings, "RATHAUS_WAITLIST_OFFER_HOURS", 48)


# --- Wishes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WishRequest:
    partners: tuple[weddings.Partner, weddings.Partner]
    email: str
    guests: int
    language: str
    first_day: date | None = None
    last_day: date | None = None
    days: tuple[date, ...] = ()  # instead of a range
    weekdays: frozenset[int] = frozenset()
    venues: tuple[Venue, ...] = ()
    time_of_day: str = ""
    phone: str = ""


class OptInExpired(Exception):
    """The opt-in link came after OPTIN_VALID_DAYS; the wish will be erased."""


def wish_window(now: datetime) -> tuple[date, date]:
    """The days a wish may name: those couples may reserve now (lead time, release window)."""
    return bookable_range(reservation_policy(), now)


def _wish_days(request: WishRequest, now: datetime) -> tuple[date, date]:
    """First and last wished day, checked against the window. ValidationError by field."""
    earliest, latest = wish_window(now)
    if request.days:
        if len(request.days) > DATES_MAX:
            raise ValidationError(
                {"days": _("Please name at most %(max)s dates.") % {"max": DATES_MAX}}
            )
        first, last, field = min(request.days), max(request.days), "days"
    elif request.first_day and request.last_day:
        first, last, field = request.first_day, request.last_day, "last_day"
        if last < first:
            raise ValidationError(
                {"last_day": _("The end date must not be before the start date.")}
            )
        if first + relativedelta(months=RANGE_MAX_MONTHS) < last:
            raise ValidationError(
                {
                    "last_day": _("The period can be at most %(months)s months long.")
                    % {"months": RANGE_MAX_MONTHS}
                }
            )
    else:
        raise ValidationError(_("Please enter a period or specific dates."))
    if first < earliest:
        raise ValidationError(
            {
                "days" if request.days else "first_day": _(
                    "Dates can be wished for from %(date)s on."
                )
                % {"date": date_format(earliest, "DATE_FORMAT")}
            }
        )
    if last > latest:
        raise ValidationError(
            {
                field: _("Dates can be wished for up to %(date)s.")
                % {"date": date_format(latest, "DATE_FORMAT")}
            }
        )
    return first, last


def _validate(request: WishRequest, now: datetime) -> tuple[date, date]:
    first, last = _wish_days(request, now)
    venues = list(request.venues) or list(Venue.objects.filter(active=True))
    if not any(venue.max_guests >= request.guests for venue in venues):
        raise ValidationError(
            {
                "guests": _("None of the chosen venues has room for %(guests)s guests.")
                % {"guests": request.guests}
            }
        )
    open_wishes = Wish.objects.filter(email__iexact=request.email, status__in=WAITING_STATUSES)
    if open_wishes.count() >= WISHES_PER_EMAIL:
        raise ValidationError(
            {
                "email": _(
                    "There are already %(count)s wishes on the waiting list for this e-mail "
                    "address. Please withdraw one first."
                )
                % {"count": WISHES_PER_EMAIL}
            }
        )
    return first, last


def _reference_unique() -> str:
    # no year: a wish may span the turn of the year; 32^8 references instead
    return reference_unique(
        lambda: reference_draw(REFERENCE_PREFIX, length=REFERENCE_LENGTH),
        lambda reference: Wish.objects.filter(reference=reference).exists(),
    )


def wish_create(*, request: WishRequest, now: datetime | None = None) -> Wish:
    """Store a wish awaiting its e-mail confirmation and send the opt-in link."""
    now = now or timezone.now()
    first, last = _validate(request, now)
    a, b = request.partners
    with transaction.atomic():
        wish = Wish.objects.create(
            reference=_reference_unique(),
            status=WishStatus.PENDING,
            partner1_given_name=a.given_name,
            partner1_family_name=a.family_name,
            partner2_given_name=b.given_name,
            partner2_family_name=b.family_name,
            email=request.email,
            phone=request.phone,
            guests=request.guests,
            language=request.language,
            first_day=first,
            last_day=last,
            days=[day.isoformat() for day in sorted(set(request.days))],
            weekdays=sorted(request.weekdays),
            time_of_day=request.time_of_day,
            token_nonce=nonce_new(),
        )
        wish.venues.set(request.venues)
        wish_mail(wish, "waitlist/email/wish_confirm_request")
    return wish


def wish_confirm(*, wish: Wish, token: str, now: datetime | None = None) -> Wish:
    """Double opt-in: only confirmed wishes are in line, in the order of their confirmation."""
    now = now or timezone.now()
    if not selectors.wish_authorised(wish, token, confirm=True):
        raise PermissionError
    with transaction.atomic():
        wish = Wish.objects.select_for_update().get(pk=wish.pk)
        if wish.status != WishStatus.PENDING:
            return wish  # a second click changes nothing
        if wish.created_at + timedelta(days=OPTIN_VALID_DAYS) < now:
            raise OptInExpired
        wish.status = WishStatus.ACTIVE
        wish.confirmed_at = now
        wish.save(update_fields=["status", "confirmed_at", "updated_at"])
    return wish


def wish_withdraw(*, wish: Wish, now: datetime | None = None) -> Wish:
    """The couple leaves the list; an open offer that is not yet accepted is declined with it."""
    now = now or timezone.now()
    with transaction.atomic():
        wish = Wish.objects.select_for_update().get(pk=wish.pk)
        if wish.status not in WAITING_STATUSES:
            return wish
        for offer in wish.offers.filter(status=OfferStatus.OPEN):
            if offer.reservation_id is None:  # a claim in progress: it will cancel itself
                Offer.objects.filter(pk=offer.pk).update(
                    status=OfferStatus.DECLINED, decided_at=now
                )
            elif offer_settle(offer=offer, now=now, pass_on=False) == OfferStatus.OPEN:
                offer_decline(offer=offer, now=now)
        wish.refresh_from_db()
        if wish.status in WAITING_STATUSES:
            _wish_end(wish, WishStatus.WITHDRAWN, now)
    return wish


def _wish_end(wish: Wish, status: str, now: datetime) -> None:
    Wish.objects.filter(pk=wish.pk, status__in=WAITING_STATUSES).update(
        status=status, ended_at=now, updated_at=now
    )
    wish.refresh_from_db(fields=["status", "ended_at"])


def wish_mail(wish: Wish, template: str) -> None:
    mail_send_on_commit(
        to=wish.email,
        template_prefix=template,
        context={"wish": wish, "site_url": settings.SITE_URL, "optin_days": OPTIN_VALID_DAYS},
        language=wish.language,
    )


# --- Offers ------------------------------------------------------------------------------------


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


def _offer_link(claim: Offer, reservation, now: datetime) -> None:
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
            _wish_end(offer.wish, WishStatus.WITHDRAWN, now)
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
            _wish_end(offer.wish, WishStatus.FULFILLED, now)
        elif (
            state == OfferStatus.LAPSED
            and offer.wish.offers.filter(status=OfferStatus.LAPSED).count() >= MAX_LAPSES
        ):
            _wish_end(offer.wish, WishStatus.ENDED, now)
    if state == OfferStatus.LAPSED and pass_on:
        reservation = offer.reservation
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
