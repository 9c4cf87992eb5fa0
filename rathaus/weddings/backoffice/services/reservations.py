"""Writes of the back office on reservations. Each records its audit entry in the same
transaction as the change; e-mails to the couple go out after the commit.

Moving a wedding and changing its registrar go through the booking door
(`scheduling.services.booking_door`), which swaps all allocations of the booking in one durable
transaction under the no-overlap guarantee (the old time is never released before the new one
is held). The reservation row, its audit entry and the e-mail are written inside that same
transaction, from the allocations themselves (`_reservation_sync`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.core.timezone import BERLIN, local_datetime
from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.exceptions import SchedulingError
from rathaus.scheduling.services import (
    AllocationRequest,
    AvailabilityRefused,
    booking_door,
    booking_set_status,
)
from rathaus.weddings import audit_events as audit

from ... import services as wedding_services
from ...constants import ReservationStatus
from ...dates import notice_deadline
from ...models import Registrar, Reservation, Venue, VenueAgreement
from ...selectors import reservation_policy, slot_fee
from ..selectors import ACTIVE, move_options, venue_agreement_missing

TRACKED = ["status", "venue", "start", "end", "registrar", "fee_eur", "notice_deadline"]


class BackofficeError(Exception):
    """A request staff can correct; `message` is shown to them."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


# What staff can correct, from the back office's services and from the scheduling core's
# availability services alike; views show its `message`.
REFUSALS = (BackofficeError, AvailabilityRefused)


def _locked(reservation: Reservation) -> Reservation:
    return (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("venue", "registrar", "booking")
        .get(pk=reservation.pk)
    )


def _mail(reservation: Reservation, template: str, *, attach_ics: bool = False) -> None:
    wedding_services.reservation_mail(
        reservation, f"weddings/backoffice/email/{template}", attach_ics=attach_ics
    )


def _require_active(reservation: Reservation) -> None:
    if reservation.status not in ACTIVE:
        raise BackofficeError(_("This reservation is no longer active."))


def reservation_confirm(
    *, actor, reservation: Reservation, notice_filed_on: date, now: datetime | None = None
) -> Reservation:
    """Record the filed marriage notice; confirm the wedding when the venue has agreed.

    The notice is recorded whether or not the venue has agreed yet: until it does, the
    reservation stays provisional, no reminder about the notice goes out any more and the hold
    no longer lapses at the notice deadline. The venue's agreement then confirms the wedding
    (`reservation_venue_decide`)."""
    now = now or timezone.now()
    if notice_filed_on > now.astimezone(BERLIN).date():
        raise BackofficeError(_("The marriage notice cannot have been filed in the future."))
    with transaction.atomic():
        reservation = _locked(reservation)
        if reservation.status == ReservationStatus.CONFIRMED:
            raise BackofficeError(_("This wedding is already confirmed."))
        _require_active(reservation)
        if venue_agreement_missing(reservation):
            return _notice_record(actor, reservation, notice_filed_on, now)
        return _confirm(actor, reservation, notice_filed_on, now)


def _notice_record(actor, reservation: Reservation, notice_filed_on: date, now) -> Reservation:
    """The notice without the venue's agreement: held until the wedding, not confirmed yet."""
    fields = ["status", "notice_filed_on"]
    before = audit.snapshot(reservation, fields)
    _booking_status_set(
        reservation,
        BookingStatus.HOLD,
        now,
        hold_for=max(reservation.end - now, timedelta(minutes=1)),
    )
    reservation.status = ReservationStatus.RESERVED
    reservation.notice_filed_on = notice_filed_on
    reservation.save(update_fields=[*fields, "updated_at"])
    audit.reservation_notice_recorded(
        actor=actor,
        reservation=reservation,
        notice_filed_on=notice_filed_on,
        changes=audit.changes(before, audit.snapshot(reservation, fields)),
    )
    return reservation


def _booking_status_set(reservation: Reservation, status: str, now, hold_for=None) -> None:
    """The booking's new status; a hold that lapsed meanwhile is the office's message."""
    try:
        booking_set_status(booking=reservation.booking, status=status, hold_for=hold_for, now=now)
    except SchedulingError as error:
        raise BackofficeError(
            _("The reservation has lapsed and cannot be confirmed any more.")
        ) from error


def _confirm(actor, reservation: Reservation, notice_filed_on: date, now) -> Reservation:
    before = audit.snapshot(reservation, ["status", "notice_filed_on"])
    _booking_status_set(reservation, BookingStatus.CONFIRMED, now)
    reservation.status = ReservationStatus.CONFIRMED
    reservation.notice_filed_on = notice_filed_on
    reservation.save(update_fields=["status", "notice_filed_on", "updated_at"])
    audit.reservation_confirmed(
        actor=actor,
        reservation=reservation,
        notice_filed_on=notice_filed_on,
        changes=audit.changes(before, audit.snapshot(reservation, ["status", "notice_filed_on"])),
    )
    _mail(reservation, "confirmed", attach_ics=True)
    return reservation


def reservation_cancel_by_office(
    *, actor, reservation: Reservation, reason: str, now: datetime | None = None
) -> Reservation:
    """Cancel with a reason; the couple is e-mailed (by `weddings.services.reservation_cancel`)."""
    reason = reason.strip()
    if not reason:
        raise BackofficeError(_("Please give a reason."))
    with transaction.atomic():
        reservation = _locked(reservation)
        _require_active(reservation)
        before = audit.snapshot(reservation, ["status"])
        reservation = wedding_services.reservation_cancel(
            reservation=reservation, reason=reason, now=now
        )
        audit.reservation_cancelled(
            actor=actor,
            reservation=reservation,
            reason=reason,
            changes=audit.changes(before, audit.snapshot(reservation, ["status"])),
        )
    return reservation


def _reservation_sync(reservation: Reservation) -> Reservation:
    """Copy venue, registrar and times from the booking's allocations onto the reservation."""
    for allocation in reservation.booking.allocations.select_related(
        "resource__venue", "resource__registrar"
    ):
        resource = allocation.resource
        if hasattr(resource, "venue"):
            reservation.venue = resource.venue
            reservation.start, reservation.end = allocation.start, allocation.end
        elif hasattr(resource, "registrar"):
            reservation.registrar = resource.registrar
    return reservation


def _requests(venue: Venue, registrar: Registrar, start, end, *, venue_offered=True):
    travel = timedelta(minutes=venue.travel_minutes)
    return [
        AllocationRequest(venue.resource_id, start, end, must_be_offered=venue_offered),
        AllocationRequest(registrar.resource_id, start - travel, end + travel),
    ]


def _move_booking(reservation: Reservation, requests, now, finish) -> Reservation:
    """Move the booking and run `finish(reservation)` in the same transaction."""
    old_ids = list(reservation.booking.allocations.values_list("resource_id", flat=True))
    try:
        with booking_door(
            resource_ids=[*old_ids, *(r.resource_id for r in requests)], now=now
        ) as door:
            door.move(booking=reservation.booking, requests=requests)
            return finish(_reservation_sync(_locked(reservation)))
    except SchedulingError as error:
        raise BackofficeError(error.message) from error


def _renew_notice_deadline(reservation: Reservation, now: datetime) -> None:
    """After a move to another day, the marriage-notice deadline follows the wedding day."""
    if reservation.notice_filed_on:
        return
    policy = reservation_policy()
    reservation.notice_deadline = notice_deadline(
        wedding_day=reservation.start.astimezone(BERLIN).date(),
        reserved_on=reservation.created_at.astimezone(BERLIN).date(),
        window_months=policy.notice_window_months,
        grace_days=policy.notice_grace_days,
    )
    expiry = local_datetime(reservation.notice_deadline + timedelta(days=1), time.min)
    if reservation.status == ReservationStatus.RESERVED and expiry > now:
        booking_set_status(
            booking=reservation.booking,
            status=BookingStatus.HOLD,
            hold_for=expiry - now,
            now=now,
        )


def reservation_move(
    *, actor, reservation: Reservation, venue: Venue, start: datetime, now: datetime | None = None
) -> Reservation:
    """Move a wedding to another slot or venue; the current registrar stays when free."""
    now = now or timezone.now()
    _require_active(reservation)
    if reservation.guests > venue.max_guests:
        raise BackofficeError(
            _("This venue has room for at most %(max)s guests.") % {"max": venue.max_guests}
        )
    day = start.astimezone(BERLIN).date()
    option = next(
        (o for o in move_options(reservation, venue, day, now=now) if o.start == start), None
    )
    if option is None:
        raise BackofficeError(_("This time is not free at this venue."))
    before, venue_before = audit.snapshot(reservation, TRACKED), reservation.venue_id

    def finish(reservation: Reservation) -> Reservation:
        reservation.fee_eur = slot_fee(reservation.venue, reservation.start)
        reservation.ics_sequence += 1  # calendar apps replace their copy of the event
        _renew_notice_deadline(reservation, now)
        reservation.save()
        audit.reservation_moved(
            actor=actor,
            reservation=reservation,
            changes=audit.changes(before, audit.snapshot(reservation, TRACKED)),
        )
        if reservation.venue_id != venue_before:  # the new venue has not agreed yet
            VenueAgreement.objects.filter(reservation=reservation).delete()
        _mail(reservation, "moved", attach_ics=True)
        return reservation

    requests = _requests(venue, option.registrars[0], option.start, option.end)
    return _move_booking(reservation, requests, now, finish)


def reservation_registrar_assign(
    *, actor, reservation: Reservation, registrar: Registrar, now: datetime | None = None
) -> Reservation:
    """Give the ceremony to another registrar; refused when it would overlap anything."""
    now = now or timezone.now()
    _require_active(reservation)
    if registrar.pk == reservation.registrar_id:
        raise BackofficeError(_("This registrar is already assigned."))
    before = audit.snapshot(reservation, ["registrar"])
    requests = _requests(
        reservation.venue, registrar, reservation.start, reservation.end, venue_offered=False
    )

    def finish(reservation: Reservation) -> Reservation:
        reservation.save(update_fields=["registrar", "updated_at"])
        audit.reservation_registrar_assigned(
            actor=actor,
            reservation=reservation,
            changes=audit.changes(before, audit.snapshot(reservation, ["registrar"])),
        )
        return reservation

    return _move_booking(reservation, requests, now, finish)


def reservation_venue_decide(
    *,
    actor,
    reservation: Reservation,
    agreed: bool,
    reason: str = "",
    now: datetime | None = None,
) -> VenueAgreement:
    """The venue's own agreement (or refusal) where the venue must agree to each wedding.

    Only reservations the couple has confirmed by e-mail are put to the venue. A refusal needs
    a reason; the couple is e-mailed it and sees it on their status page, and the registry
    office can undo it (`reservation_venue_decline_undo`). An agreement to a wedding whose
    marriage notice is recorded already confirms the wedding."""
    now = now or timezone.now()
    reason = reason.strip()
    if not agreed and not reason:
        raise BackofficeError(_("Please give a reason."))
    with transaction.atomic():
        reservation = _locked(reservation)
        _require_active(reservation)
        if not reservation.venue.requires_venue_agreement:
            raise BackofficeError(_("This venue does not need to agree to reservations."))
        if reservation.status == ReservationStatus.PENDING:
            raise BackofficeError(_("The couple has not confirmed this reservation yet."))
        agreement, _created = VenueAgreement.objects.update_or_create(
            reservation=reservation,
            defaults={"agreed": agreed, "decided_by": actor, "reason": "" if agreed else reason},
        )
        audit.reservation_venue_agreed(
            actor=actor, reservation=reservation, agreed=agreed, reason="" if agreed else reason
        )
        if (
            agreed
            and reservation.notice_filed_on
            and reservation.status != ReservationStatus.CONFIRMED
        ):
            _confirm(actor, reservation, reservation.notice_filed_on, now)
        if not agreed:
            _mail(reservation, "venue_declined")
    return agreement


def reservation_venue_decline_undo(*, actor, reservation: Reservation) -> Reservation:
    """The registry office takes back a venue's refusal: the agreement is outstanding again
    and the couple is told."""
    with transaction.atomic():
        reservation = _locked(reservation)
        _require_active(reservation)
        deleted, _rows = VenueAgreement.objects.filter(
            reservation=reservation, agreed=False
        ).delete()
        if not deleted:
            raise BackofficeError(_("The venue has not declined this wedding."))
        audit.reservation_venue_decline_undone(actor=actor, reservation=reservation)
        _mail(reservation, "venue_decline_undone")
    return reservation
