"""Wishes of the waiting list: create, e-mail opt-in, withdraw, erase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from rathaus.core.mail import mail_send_on_commit
from rathaus.core.references import reference_draw, reference_unique
from rathaus.weddings import services as weddings
from rathaus.weddings.models import Venue
from rathaus.weddings.selectors import bookable_range, reservation_policy
from rathaus.weddings.tokens import nonce_new

from .. import selectors
from ..constants import (
    DATES_MAX,
    OPTIN_VALID_DAYS,
    RANGE_MAX_MONTHS,
    REFERENCE_LENGTH,
    REFERENCE_PREFIX,
    WAITING_STATUSES,
    WISHES_PER_EMAIL,
    OfferStatus,
    WishStatus,
)
from ..models import Offer, Wish
from .endings import wish_end
from .offers import offer_decline, offer_settle


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
            wish_end(wish=wish, status=WishStatus.WITHDRAWN, now=now)
    return wish


def wish_mail(wish: Wish, template: str) -> None:
    mail_send_on_commit(
        to=wish.email,
        template_prefix=template,
        context={"wish": wish, "site_url": settings.SITE_URL, "optin_days": OPTIN_VALID_DAYS},
        language=wish.language,
    )


def wish_erase(*, pk: int) -> bool:
    """Delete a wish with its offers; its reservations are the Traukalender's and stay."""
    deleted, _ = Wish.objects.filter(pk=pk).delete()
    return bool(deleted)
