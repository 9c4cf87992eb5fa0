"""Writes of the Traukalender: reserve, confirm by e-mail, cancel. Views and API call only these."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.core import sql
from rathaus.core.idempotency import idempotency_record_create
from rathaus.core.mail import Attachment, Mail, mail_queue, mail_render
from rathaus.core.revision import revision_pinned
from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.exceptions import IdentityLimitReached, SlotNotOffered, SlotUnavailable
from rathaus.scheduling.release import BY_DRAW, NOT_RELEASED
from rathaus.scheduling.services import (
    AllocationRequest,
    IdentityLimit,
    booking_door,
    booking_set_status,
    identity_active_count,
)
from rathaus.weddings import audit_events as audit

from .constants import BOOKING_PURPOSE, ReservationStatus
from .dates import notice_deadline
from .events import slot_freed_announce
from .ics import reservation_ics
from .identity import booking_identity_keys, couple_key, email_key
from .models import Registrar, Reservation, ReservationPolicy, Venue
from .release import day_gate
from .selectors import (
    CeremonySlot,
    bookable_range,
    ceremony_slot_offer,
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


def couple_fields(request) -> dict:
    """Names, contact, guests and language of a couple's request (reservation or lottery
    application) as the models name their fields."""
    first, second = request.partners
    return {
        "partner1_given_name": first.given_name,
        "partner1_family_name": first.family_name,
        "partner2_given_name": second.given_name,
        "partner2_family_name": second.family_name,
        "email": request.email,
        "phone": request.phone,
        "guests": request.guests,
        "language": request.language,
    }


@dataclass(frozen=True)
class CreatedReservation:
    reservation: Reservation
    manage_token: str
    confirm_token: str


def _validate(request: ReservationRequest, now: datetime, policy, *, bypass_gates: bool) -> None:
    """Every problem of the request at once, keyed by field."""
    errors: dict[str, list] = {}
    earliest, _latest = bookable_range(policy, now)
    day = request.start.astimezone(BERLIN).date()
    if request.start <= now:
        errors["start"] = [_("This date is in the past.")]
    elif day < earliest:
        errors["start"] = [
            _("Dates can be reserved from %(days)s days ahead.") % {"days": policy.min_lead_days}
        ]
    elif not bypass_gates:
        try:
            _check_gate(day, policy, now)
        except ValidationError as gate:
            errors.update(gate.message_dict)
    if not request.venue.active:
        errors["venue"] = [_("This venue cannot be booked online.")]
    if request.guests > request.venue.max_guests:
        errors["guests"] = [
            _("This venue has room for at most %(max)s guests.") % {"max": request.venue.max_guests}
        ]
    if errors:
        raise ValidationError(errors)


def _check_gate(day, policy, now: datetime) -> None:
    gate = day_gate(day, policy, now)
    if gate.reason == NOT_RELEASED:
        opens = gate.opens_at.astimezone(BERLIN)
        raise ValidationError(
            {
                "start": _("This date opens for reservations on %(date)s at %(time)s.")
                % {"date": f"{opens:%d.%m.%Y}", "time": f"{opens:%H:%M}"}
            }
        )
    if gate.reason == BY_DRAW:
        raise ValidationError(
            {
                "start": _(
                    "Dates on this day are allocated by lottery. Please apply for the lottery."
                )
            }
        )


def _identity_keys(email: str, partners: tuple[Partner, Partner]) -> list[str]:
    """The keys the booking door counts the per-couple limit by (identity.py)."""
    (a, b) = partners
    return booking_identity_keys(
        email_key(email), couple_key(a.given_name, a.family_name, b.given_name, b.family_name)
    )


def active_reservations_count(*, email: str, partners: tuple[Partner, Partner], now) -> int:
    """Active reservations for this e-mail address or couple, in either order of the partners,
    compared in the normalised form of identity.py (case, accents, plus-tags, dots, hyphens).

    A hold past its expiry does not count, whether or not a job or the booking door has marked
    its booking expired yet."""
    return identity_active_count(keys=_identity_keys(email, partners), now=now)


def _limit_message(limit: int) -> ValidationError:
    return ValidationError(
        {
            "email": _(
                "There are already %(count)s active reservations for this e-mail address "
                "or couple. Please cancel one before reserving another date."
            )
            % {"count": limit}
        }
    )


def _reference_draw(start: datetime) -> str:
    return reference_new(start.astimezone(BERLIN).year)


def _reservation_insert(reservation: Reservation) -> bool:
    """Insert with the reference drawn for it, or with fresh draws while that is taken (32^4 a
    year). True when the reference had to change."""
    for attempt in range(20):
        if attempt:
            reservation.reference = _reference_draw(reservation.start)
        if sql.insert(reservation, unless_taken="reference") is not None:
            return attempt > 0
    raise RuntimeError("no free reference")  # practically unreachable


RESERVATION_IDEMPOTENCY_SCOPE = "weddings.reservation"


@dataclass(frozen=True)
class _Plan:
    """What a reservation will be: the slot, the registrars who could take it, the deadline."""

    request: ReservationRequest
    policy: ReservationPolicy
    slot: CeremonySlot
    registrars: list[Registrar]
    deadline: date


def _plan(
    request: ReservationRequest,
    now: datetime,
    *,
    gates: bool,
    supersede_booking_ids: Sequence[int] = (),
) -> _Plan:
    """Validate the request and find its slot; ValidationError or SlotUnavailable if not."""
    policy = reservation_policy()
    _validate(request, now, policy, bypass_gates=not gates)
    slot, registrars = ceremony_slot_offer(
        venue=request.venue,
        start=request.start,
        now=now,
        ignore_booking_ids=supersede_booking_ids,
        apply_policy=False,  # _validate has applied lead time, release window and lottery
    )
    if slot is None or not registrars:
        raise SlotUnavailable()
    deadline = notice_deadline(
        wedding_day=slot.day,
        reserved_on=now.astimezone(BERLIN).date(),
        window_months=policy.notice_window_months,
        grace_days=policy.notice_grace_days,
    )
    return _Plan(request, policy, slot, list(registrars[:3]), deadline)


def _reservation_new(plan: _Plan, now: datetime, *, reserved: bool) -> Reservation:
    reservation = Reservation(
        venue=plan.request.venue,
        registrar=plan.registrars[0],
        status=ReservationStatus.RESERVED if reserved else ReservationStatus.PENDING,
        confirmed_email_at=now if reserved else None,
        start=plan.slot.start,
        end=plan.slot.end,
        **couple_fields(plan.request),
        note=plan.request.note,
        token_nonce=nonce_new(),
        fee_eur=plan.slot.fee_eur,
        notice_deadline=plan.deadline,
        reference=_reference_draw(plan.slot.start),
    )
    reservation.identity_keys_set()  # sql.insert does not call save()
    return reservation


@dataclass(frozen=True)
class _Hold:
    """How the booking is held: for a while (pending) or until a moment (provisional)."""

    hold_for: timedelta | None = None
    until: datetime | None = None


def _book(
    plan: _Plan,
    reservation: Reservation,
    now: datetime,
    *,
    hold: _Hold,
    limit: int | None,
    template: str,
    attach_ics: bool,
    supersede_booking_ids: Sequence[int] = (),
    idempotency: tuple[str, str] | None = None,
) -> CreatedReservation:
    """Book the venue with the first registrar, in the offer's order (least busy first), who
    is still free including travel: one booking door per registrar, each locking only the
    venue and that registrar (locking every candidate at once would make concurrent
    reservations of a day wait for registrars they do not get). Inside the door: the
    reservation, its audit entry, idempotency record and e-mail, in the booking's
    transaction."""
    venue = plan.request.venue
    travel = timedelta(minutes=venue.travel_minutes)
    slot = plan.slot
    identity = IdentityLimit(keys=reservation.booking_identity_keys(), limit=limit)
    for registrar in plan.registrars:
        reservation.registrar = registrar
        # Rendered before the booking transaction: its locks are held for less time.
        mail = reservation_mail_render(
            reservation, template, attach_ics=attach_ics, policy=plan.policy
        )
        try:
            with booking_door(
                resource_ids=[venue.resource_id, registrar.resource_id],
                now=now,
                identity=identity,
                supersede_booking_ids=supersede_booking_ids,
            ) as door:
                reservation.booking = door.book(
                    [
                        AllocationRequest(venue.resource_id, slot.start, slot.end),
                        AllocationRequest(
                            registrar.resource_id, slot.start - travel, slot.end + travel
                        ),
                    ],
                    purpose=BOOKING_PURPOSE,
                    status=BookingStatus.HOLD,
                    hold_for=hold.hold_for,
                    expires_at=hold.until,
                )
                if _reservation_insert(reservation):  # the e-mail must name the new reference
                    mail = reservation_mail_render(
                        reservation, template, attach_ics=attach_ics, policy=plan.policy
                    )
                audit.reservation_requested_by_couple(reservation=reservation)
                if idempotency:
                    idempotency_record_create(
                        scope=RESERVATION_IDEMPOTENCY_SCOPE,
                        key=idempotency[0],
                        fingerprint=idempotency[1],
                        object_id=reservation.pk,
                        now=now,
                    )
                # in the booking's transaction: the e-mail exists exactly when the reservation
                # does
                mail_queue(mail)
        except IdentityLimitReached as error:
            raise _limit_message(error.limit) from error
        except (SlotUnavailable, SlotNotOffered):
            continue  # that registrar was taken meanwhile; try the next one
        return CreatedReservation(reservation, reservation.manage_token, reservation.confirm_token)
    raise SlotUnavailable()


def _couple_limit() -> int | None:
    return settings.RATHAUS_MAX_ACTIVE_RESERVATIONS or None


@revision_pinned()  # reads policy, venue, registrars and rules as of one revision check
def reservation_create(
    *,
    request: ReservationRequest,
    now: datetime | None = None,
    idempotency_key: str | None = None,
    idempotency_fingerprint: str = "",
) -> CreatedReservation:
    """The couple (web form or API) holds a slot as a pending reservation and is e-mailed the
    confirmation link (double opt-in). Release window, lottery days and the per-couple limit
    apply. `idempotency_key` (with the request's fingerprint) is recorded in the reservation's
    transaction (`rathaus.core.idempotency`).

    Raises ValidationError for bad input, SlotUnavailable when the slot is not free.
    """
    now = now or timezone.now()
    plan = _plan(request, now, gates=True)
    return _book(
        plan,
        _reservation_new(plan, now, reserved=False),
        now,
        hold=_Hold(hold_for=timedelta(minutes=plan.policy.pending_hold_minutes)),
        limit=_couple_limit(),
        template="weddings/email/confirm_request",
        attach_ics=False,
        idempotency=(idempotency_key, idempotency_fingerprint) if idempotency_key else None,
    )


@revision_pinned()
def reservation_create_for_lottery_winner(
    *, request: ReservationRequest, now: datetime | None = None, mail_template: str
) -> CreatedReservation:
    """A lottery winner's reservation: provisional at once (the draw proved the address), held
    until the end of the marriage-notice deadline. The day is the lottery's, so release window
    and lottery gate do not apply, nor the per-couple limit (the draw had its own)."""
    now = now or timezone.now()
    plan = _plan(request, now, gates=False)
    return _book(
        plan,
        _reservation_new(plan, now, reserved=True),
        now,
        hold=_Hold(until=_notice_expiry(plan.deadline)),
        limit=None,
        template=mail_template,
        attach_ics=True,
    )


@revision_pinned()
def reservation_create_for_waitlist_offer(
    *,
    request: ReservationRequest,
    now: datetime | None = None,
    hold_for: timedelta,
    supersede_booking_ids: Sequence[int] = (),
    mail_template: str,
) -> CreatedReservation:
    """A waiting-list offer: a pending reservation held for `hold_for`, which may take over the
    quarantined time of the cancelled bookings `supersede_booking_ids`. Gates and the per-couple
    limit apply as for the couple's own request."""
    now = now or timezone.now()
    plan = _plan(request, now, gates=True, supersede_booking_ids=supersede_booking_ids)
    return _book(
        plan,
        _reservation_new(plan, now, reserved=False),
        now,
        hold=_Hold(hold_for=hold_for),
        limit=_couple_limit(),
        template=mail_template,
        attach_ics=False,
        supersede_booking_ids=supersede_booking_ids,
    )


def _notice_expiry(deadline: date) -> datetime:
    """A provisional reservation lapses at the end of its marriage-notice deadline."""
    return local_datetime(deadline + timedelta(days=1), time.min)


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
                status=BookingStatus.HOLD,
                hold_for=_notice_expiry(reservation.notice_deadline) - now,
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


def reappear_delay_range() -> tuple[int, int]:
    """The shortest and longest time (minutes) a cancelled slot stays hidden from the public."""
    low, high = settings.RATHAUS_CANCELLED_SLOT_DELAY_MINUTES
    return low, max(low, high)


def reappear_delay() -> timedelta:
    """How long a cancelled slot stays hidden: random, so a hand-over cannot be timed."""
    low, high = settings.RATHAUS_CANCELLED_SLOT_DELAY_MINUTES
    return timedelta(seconds=secrets.randbelow(max(1, (high - low) * 60 + 1)) + low * 60)


def reservation_cancel(
    *,
    reservation: Reservation,
    reason: str = "",
    now: datetime | None = None,
    reappear_after: timedelta | None = None,
) -> Reservation:
    """Cancel; the slot reappears after `reappear_after` (default: a random short delay).

    The waiting list may take the slot over at once (`supersede_booking_ids`). Cancelling
    twice is harmless.
    """
    now = now or timezone.now()
    with transaction.atomic():
        reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if reservation.status in (ReservationStatus.CANCELLED, ReservationStatus.EXPIRED):
            return reservation
        booking_set_status(
            booking=reservation.booking,
            status=BookingStatus.CANCELLED,
            now=now,
            quarantine_for=reappear_delay() if reappear_after is None else reappear_after,
        )
        reservation.status = ReservationStatus.CANCELLED
        reservation.cancelled_reason = reason[:300]
        reservation.save(update_fields=["status", "cancelled_reason", "updated_at"])
        reservation_mail(reservation, "weddings/email/cancelled")
    slot_freed_announce(
        venue=reservation.venue,
        start=reservation.start,
        end=reservation.end,
        freed_booking_id=reservation.booking_id,
        now=now,
    )
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


def reservation_mail(
    reservation: Reservation, template: str, *, attach_ics: bool = False, policy=None
) -> None:
    """E-mail the couple after the commit, in their language; the back office uses it too."""
    mail_queue(reservation_mail_render(reservation, template, attach_ics=attach_ics, policy=policy))


def reservation_mail_render(
    reservation: Reservation, template: str, *, attach_ics: bool = False, policy=None
) -> Mail:
    """The couple's e-mail about `reservation`, rendered from fields known before it is saved."""
    hold_minutes = (policy or reservation_policy()).pending_hold_minutes
    reference = reservation.reference
    context = {
        "reservation": reservation,
        "site_url": settings.SITE_URL,
        "hold_hours": max(1, round(hold_minutes / 60)),  # the e-mail speaks in whole hours
        # once here rather than in each of the text and HTML templates
        "confirm_url": settings.SITE_URL
        + reverse("weddings:reservation-confirm", args=[reference, reservation.confirm_token]),
        "status_url": settings.SITE_URL
        + reverse("weddings:reservation-status", args=[reference, reservation.manage_token]),
    }
    attachments = (
        [Attachment(f"{reservation.reference}.ics", reservation_ics(reservation), "text/calendar")]
        if attach_ics
        else []
    )
    return mail_render(
        to=reservation.email,
        template_prefix=template,
        context=context,
        language=reservation.language,
        attachments=attachments,
    )
