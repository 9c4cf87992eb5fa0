"""Writes of the Traukalender: reserve, confirm by e-mail, cancel. Views and API call only these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.audit import services as audit
from rathaus.core.mail import Attachment, mail_send_on_commit
from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.exceptions import SlotNotOffered, SlotUnavailable
from rathaus.scheduling.services import AllocationRequest, booking_create, booking_set_status

from .constants import BOOKING_PURPOSE, ReservationStatus
from .dates import notice_deadline
from .ics import reservation_ics
from .models import Reservation, Venue
from .selectors import (
    bookable_range,
    ceremony_slot_find,
    registrars_free_for,
    reservation_policy,
)
from .tokens import CONFIRM, MANAGE, nonce_new, reference_new, token_matches


@dataclass(frozen=True)
class Partner:
    given_name: str
    family_name: str


@dataclass(frozen=True)
class ReservationRequest:
    venue: Venue
    start: datetime
    partners: tuple[Partner, Partner]
    email: str
    guests: int
    language: str
    phone: str = ""
    note: str = ""


@dataclass(frozen=True)
class CreatedReservation:
    reservation: Reservation
    manage_token: str
    confirm_token: str


def _validate(request: ReservationRequest, now: datetime) -> None:
    policy = reservation_policy()
    earliest, latest = bookable_range(policy, now.astimezone(BERLIN).date())
    day = request.start.astimezone(BERLIN).date()
    if request.start <= now:
        raise ValidationError({"start": _("This date is in the past.")})
    if day < earliest:
        raise ValidationError(
            {
                "start": _("Dates can be reserved from %(days)s days ahead.")
                % {"days": policy.min_lead_days}
            }
        )
    if day > latest:
        raise ValidationError(
            {
                "start": _("Dates can be reserved up to %(months)s months ahead.")
                % {"months": policy.horizon_months}
            }
        )
    if not request.venue.active:
        raise ValidationError({"venue": _("This venue cannot be booked online.")})
    if request.guests > request.venue.max_guests:
        raise ValidationError(
            {
                "guests": _("This venue has room for at most %(max)s guests.")
                % {"max": request.venue.max_guests}
            }
        )


def _reference_unique(year: int) -> str:
    for _attempt in range(20):
        reference = reference_new(year)
        if not Reservation.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("no free reference")  # 32^4 per year: practically unreachable


def reservation_create(
    *, request: ReservationRequest, now: datetime | None = None
) -> CreatedReservation:
    """Hold a slot as a pending reservation and e-mail the confirmation link (double opt-in).

    Raises ValidationError for bad input, SlotUnavailable when the slot is not free.
    """
    now = now or timezone.now()
    _validate(request, now)
    slot = ceremony_slot_find(venue=request.venue, start=request.start, now=now)
    if slot is None:
        raise SlotUnavailable()
    policy = reservation_policy()
    travel = timedelta(minutes=request.venue.travel_minutes)
    for registrar in registrars_free_for(
        venue=request.venue, start=slot.start, end=slot.end, now=now
    )[:3]:

        def attach(booking, registrar=registrar):
            reservation = Reservation.objects.create(
                reference=_reference_unique(slot.start.year),
                booking=booking,
                venue=request.venue,
                registrar=registrar,
                status=ReservationStatus.PENDING,
                start=slot.start,
                end=slot.end,
                partner1_given_name=request.partners[0].given_name,
                partner1_family_name=request.partners[0].family_name,
                partner2_given_name=request.partners[1].given_name,
                partner2_family_name=request.partners[1].family_name,
                email=request.email,
                phone=request.phone,
                guests=request.guests,
                language=request.language,
                note=request.note,
                token_nonce=nonce_new(),
                fee_eur=slot.fee_eur,
                notice_deadline=notice_deadline(
                    wedding_day=slot.day,
                    reserved_on=now.astimezone(BERLIN).date(),
                    window_months=policy.notice_window_months,
                    grace_days=policy.notice_grace_days,
                ),
            )
            audit.reservation_requested_by_couple(reservation=reservation)
            return reservation

        try:
            _, reservation = booking_create(
                purpose=BOOKING_PURPOSE,
                requests=[
                    AllocationRequest(request.venue.resource_id, slot.start, slot.end),
                    AllocationRequest(
                        registrar.resource_id, slot.start - travel, slot.end + travel
                    ),
                ],
                status=BookingStatus.PENDING,
                hold_for=timedelta(minutes=policy.pending_hold_minutes),
                now=now,
                attach=attach,
            )
        except (SlotUnavailable, SlotNotOffered, IntegrityError):
            continue  # that registrar was taken meanwhile; try the next one
        reservation_mail(reservation, "weddings/email/confirm_request")
        return CreatedReservation(reservation, reservation.manage_token, reservation.confirm_token)
    raise SlotUnavailable()


def _notice_expiry(reservation: Reservation) -> datetime:
    """A provisional reservation lapses at the end of its marriage-notice deadline."""
    return local_datetime(reservation.notice_deadline + timedelta(days=1), time.min)


def reservation_confirm_email(
    *, reservation: Reservation, token: str, now: datetime | None = None
) -> Reservation:
    """Double opt-in: the e-mail link turns a pending hold into a provisional reservation."""
    now = now or timezone.now()
    if not token_matches(token, CONFIRM, reservation.reference, reservation.token_nonce):
        raise PermissionError
    with transaction.atomic():
        reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if reservation.status != ReservationStatus.PENDING:
            return reservation  # a second click changes nothing
        try:
            booking_set_status(
                booking=reservation.booking,
                status=BookingStatus.RESERVED,
                hold_for=_notice_expiry(reservation) - now,
                now=now,
            )
        except SlotUnavailable:
            expired = True  # the hold lapsed before the click; the core marked it expired
        else:
            expired = False
            reservation.status = ReservationStatus.RESERVED
            reservation.confirmed_email_at = now
            audit.reservation_email_confirmed_by_couple(reservation=reservation)
            reservation_mail(reservation, "weddings/email/reserved", attach_ics=True)
        if expired:
            reservation.status = ReservationStatus.EXPIRED
        reservation.save(update_fields=["status", "confirmed_email_at", "updated_at"])
    if expired:
        raise SlotUnavailable(
            _("This reservation has expired because it was not confirmed in time.")
        )
    return reservation


def reservation_cancel(
    *, reservation: Reservation, reason: str = "", now: datetime | None = None
) -> Reservation:
    """Cancel; the slot is free again at once. Cancelling twice is harmless."""
    now = now or timezone.now()
    with transaction.atomic():
        reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if reservation.status in (ReservationStatus.CANCELLED, ReservationStatus.EXPIRED):
            return reservation
        booking_set_status(booking=reservation.booking, status=BookingStatus.CANCELLED, now=now)
        reservation.status = ReservationStatus.CANCELLED
        reservation.cancelled_reason = reason[:300]
        reservation.save(update_fields=["status", "cancelled_reason", "updated_at"])
        reservation_mail(reservation, "weddings/email/cancelled")
    return reservation


def reservation_cancel_by_couple(*, reservation: Reservation, now: datetime | None = None):
    """The couple cancels through their management link (web page or API)."""
    with transaction.atomic():
        was_active = reservation.status not in (
            ReservationStatus.CANCELLED,
            ReservationStatus.EXPIRED,
        )
        reservation = reservation_cancel(
            reservation=reservation, reason="cancelled by the couple", now=now
        )
        if was_active and reservation.status == ReservationStatus.CANCELLED:
            audit.reservation_cancelled_by_couple(reservation=reservation)
    return reservation


def reservation_authorised(reservation: Reservation | None, manage_token: str | None) -> bool:
    return reservation is not None and token_matches(
        manage_token, MANAGE, reservation.reference, reservation.token_nonce
    )


def reservation_mail(reservation: Reservation, template: str, *, attach_ics: bool = False) -> None:
    """E-mail the couple after the commit, in their language; the back office uses it too."""
    hold_minutes = reservation_policy().pending_hold_minutes
    context = {
        "reservation": reservation,
        "site_url": settings.SITE_URL,
        "hold_hours": max(1, round(hold_minutes / 60)),  # the e-mail speaks in whole hours
    }
    attachments = (
        [Attachment(f"{reservation.reference}.ics", reservation_ics(reservation), "text/calendar")]
        if attach_ics
        else []
    )
    mail_send_on_commit(
        to=reservation.email,
        template_prefix=template,
        context=context,
        language=reservation.language,
        attachments=attachments,
    )
