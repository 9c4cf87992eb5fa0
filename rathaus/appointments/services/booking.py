"""Booking an appointment: hold a time, give the persons' details, confirm, cancel, move.

Every write goes through the scheduling core's booking door: counters are locked in id order,
the per-person and per-address limits are counted under advisory locks on their keys, and on
PostgreSQL the exclusion constraint is the last line of defence. A time the citizen chooses is
held (`HELD`, a few minutes) before anything is typed; the details turn the hold into a
`PENDING` booking that lapses unless the e-mail link is followed within two hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.core.identity import email_key, person_key
from rathaus.core.references import reference_draw, reference_unique
from rathaus.core.timezone import BERLIN
from rathaus.core.tokens import nonce_new
from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.exceptions import (
    IdentityLimitReached,
    SchedulingError,
    SlotNotOffered,
    SlotUnavailable,
)
from rathaus.scheduling.services import (
    AllocationRequest,
    IdentityLimit,
    booking_door,
    booking_identity_replace,
    booking_set_status,
)

from .. import audit_events as audit
from ..constants import (
    CONFIRM_HOURS,
    HOLD_MINUTES,
    PURPOSE,
    RECONFIRM_AFTER_DAYS,
    RECONFIRM_DAYS_BEFORE,
    REFERENCE_LENGTH,
    REFERENCE_PREFIX,
    AppointmentStatus,
    Channel,
)
from ..models import Appointment, Person, Request
from ..selectors import (
    Plan,
    bookable_counters,
    counters_able,
    counters_for_parallel,
    fee_for,
    parallel_assignment,
)
from .mail import appointment_mail

# A cancelled time stays blocked this long for everyone but the standby list, so that it
# cannot be passed to an accomplice by cancelling at an agreed moment.
QUARANTINE = timedelta(minutes=30)


class BookingRefused(Exception):
    """The booking cannot be made; `message` is for the citizen, `conflict` marks a time that
    someone else has (HTTP 409) as opposed to invalid input."""

    def __init__(self, message: object, *, conflict: bool = False) -> None:
        self.message = message
        self.conflict = conflict
        super().__init__(str(message))


@dataclass(frozen=True)
class PersonDetails:
    given_name: str
    family_name: str
    date_of_birth: date | None


# --- holding a time -------------------------------------------------------------------


def _new_reference() -> str:
    return reference_unique(
        lambda: reference_draw(REFERENCE_PREFIX, length=REFERENCE_LENGTH),
        lambda candidate: Appointment.objects.filter(reference=candidate).exists(),
    )


def _requests_single(plan: Plan, start: datetime, resource_id: int) -> list[AllocationRequest]:
    return [AllocationRequest(resource_id, start, start + timedelta(minutes=plan.minutes))]


def _book_counters(
    door: Any,
    plan: Plan,
    start: datetime,
    *,
    now: datetime,
    with_kept: bool,
    status: str,
    hold_for: timedelta,
) -> tuple[Any, dict[int, int]]:
    """Book one counter for everyone (least busy first) or, where the location allows it and
    no single counter is free, one counter per person side by side. Returns the booking and
    person index -> resource id."""
    day = start.astimezone(BERLIN).date()
    single = [info.resource_id for info in bookable_counters(plan, day, now, with_kept=with_kept)]
    refused: SchedulingError | None = None
    if single:
        try:
            resource_id, booking = door.book_from_pool(
                single,
                start,
                start + timedelta(minutes=plan.minutes),
                purpose=PURPOSE,
                strategy="least_busy",
                status=status,
                hold_for=hold_for,
            )
            return booking, dict.fromkeys(range(len(plan.persons)), resource_id)
        except SchedulingError as error:
            refused = error
    if plan.location.parallel_counters and len(plan.persons) > 1:
        per_person = counters_for_parallel(plan, now, day, with_kept)
        assignment = parallel_assignment(
            [[info.resource_id for info in per_person[index]] for index in range(len(plan.persons))]
        )
        if assignment is not None:
            requests = [
                AllocationRequest(resource_id, start, start + timedelta(minutes=minutes))
                for resource_id, minutes in zip(assignment, plan.person_minutes, strict=True)
            ]
            booking = door.book(requests, purpose=PURPOSE, status=status, hold_for=hold_for)
            return booking, dict(enumerate(assignment))
    raise refused or SlotUnavailable()


def _door_resources(plan: Plan) -> list[int]:
    ids = {info.resource_id for info in counters_able(plan)}
    if plan.location.parallel_counters and len(plan.persons) > 1:
        for index in range(len(plan.persons)):
            ids |= {
                info.resource_id for info in counters_able(plan, plan.person_service_ids(index))
            }
    return sorted(ids)


def _write_appointment(
    *,
    plan: Plan,
    booking: Any,
    assignment: dict[int, int],
    status: str,
    channel: str,
    now: datetime,
    language: str,
    persons: Sequence[PersonDetails] | None = None,
) -> Appointment:
    from ..models import Counter

    counters = {
        counter.resource_id: counter
        for counter in Counter.objects.filter(resource_id__in=set(assignment.values()))
    }
    appointment = Appointment.objects.create(
        reference=_new_reference(),
        booking=booking,
        location=plan.location,
        status=status,
        channel=channel,
        start=booking.start,
        end=booking.end,
        language=language,
        token_nonce=nonce_new(),
        booked_at=now,
    )
    day = booking.start.astimezone(BERLIN).date()
    for index, needs in enumerate(plan.persons):
        details = persons[index] if persons else PersonDetails("", "", None)
        person = Person.objects.create(
            appointment=appointment,
            position=index,
            given_name=details.given_name,
            family_name=details.family_name,
            date_of_birth=details.date_of_birth,
            counter=counters.get(assignment[index]),
        )
        age = person.age_on(day)
        Request.objects.bulk_create(
            Request(
                person=person,
                service=service,
                count=count,
                minutes=service.minutes * count,
                fee_eur=fee_for(service, on=day, age=age) * count,
            )
            for service, count in needs
        )
    return appointment


def appointment_hold(
    *,
    plan: Plan,
    start: datetime,
    now: datetime | None = None,
    language: str = "de",
    channel: str = Channel.ONLINE,
    with_kept: bool = False,
    supersede_booking_ids: Sequence[int] = (),
) -> Appointment:
    """Hold the time for HOLD_MINUTES while the citizen types; no personal data yet.

    `with_kept` may use the capacity kept for the same-day draw (the draw, staff);
    `supersede_booking_ids` may take over a cancelled booking's time still in quarantine
    (the standby list)."""
    now = now or timezone.now()
    _check_in_range(plan, start, now)
    try:
        with booking_door(
            resource_ids=_door_resources(plan), now=now, supersede_booking_ids=supersede_booking_ids
        ) as door:
            booking, assignment = _book_counters(
                door,
                plan,
                start,
                now=now,
                with_kept=with_kept,
                status=BookingStatus.HOLD,
                hold_for=timedelta(minutes=HOLD_MINUTES),
            )
            return _write_appointment(
                plan=plan,
                booking=booking,
                assignment=assignment,
                status=AppointmentStatus.HELD,
                channel=channel,
                now=now,
                language=language,
            )
    except SlotNotOffered as error:
        raise BookingRefused(_("No appointment is offered at this time.")) from error
    except SlotUnavailable as error:
        raise BookingRefused(
            _("This time has just been taken. Please choose another one."), conflict=True
        ) from error


def _check_in_range(plan: Plan, start: datetime, now: datetime) -> None:
    if start.tzinfo is None:
        raise BookingRefused(_("The time must include its time zone."))
    if start <= now:
        raise BookingRefused(_("This time is in the past."))
    if (
        start.astimezone(BERLIN).date()
        > (now + timedelta(days=plan.location.horizon_days)).astimezone(BERLIN).date()
    ):
        raise BookingRefused(
            _("Appointments can be booked at most %(days)d days ahead.")
            % {"days": plan.location.horizon_days}
        )
    if start.minute % 5 or start.second or start.microsecond:
        raise BookingRefused(_("Appointments start on the five-minute grid."))


# --- details: who comes ---------------------------------------------------------------


def identity_keys(persons: Sequence[PersonDetails], email: str) -> dict[str, str]:
    """Key -> kind ('person' or 'email'), the normalised identities the limits count."""
    keys = {}
    for person in persons:
        key = person_key(person.given_name, person.family_name, person.date_of_birth)
        if key:
            keys[f"appointment-person:{key}"] = "person"
    if email:
        keys[f"appointment-email:{email_key(email)}"] = "email"
    return keys


def _limits(appointment: Appointment, keys: dict[str, str]) -> IdentityLimit:
    location = appointment.location
    per_kind = {"person": location.max_active_per_person, "email": location.max_active_per_email}
    return IdentityLimit(
        keys=list(keys), key_limits={key: per_kind[kind] for key, kind in keys.items()}
    )


def _limit_message(error: IdentityLimitReached, keys: dict[str, str]) -> Any:
    if keys.get(error.key) == "email":
        return _(
            "This e-mail address already has %(limit)d active appointments. Cancel one you no "
            "longer need, or use the phone."
        ) % {"limit": error.limit}
    return _(
        "One of the persons already has %(limit)d active appointments. Cancel one you no "
        "longer need first."
    ) % {"limit": error.limit}


def _validate_persons(
    appointment: Appointment, persons: Sequence[PersonDetails], email: str, *, email_required: bool
) -> None:
    if len(persons) != appointment.persons.count():
        raise BookingRefused(_("Please give the details of every person."))
    day = appointment.start.astimezone(BERLIN).date()
    for person in persons:
        if not person.given_name.strip() or not person.family_name.strip():
            raise BookingRefused(_("Please give the given name and family name of every person."))
        if person.date_of_birth is None:
            raise BookingRefused(_("Please give the date of birth of every person."))
        if not date(1900, 1, 1) <= person.date_of_birth <= day:
            raise BookingRefused(_("A date of birth is not possible."))
    if email_required and not email:
        raise BookingRefused(_("Please give an e-mail address for the confirmation."))


def appointment_details(
    *,
    appointment: Appointment,
    persons: Sequence[PersonDetails],
    email: str,
    phone: str = "",
    language: str = "de",
    carried_over: dict[str, Any] | None = None,
    now: datetime | None = None,
    confirmed: bool = False,
    actor: Any = None,
) -> Appointment:
    """Who comes: the held time becomes a booking awaiting the e-mail link (or, booked by
    staff for a caller, a confirmed one). Refused over the per-person or per-address limit."""
    now = now or timezone.now()
    _validate_persons(appointment, persons, email, email_required=not confirmed)
    keys = identity_keys(persons, email)
    try:
        with booking_door(resource_ids=[], now=now, identity=_limits(appointment, keys)):
            appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if appointment.status != AppointmentStatus.HELD:
                raise BookingRefused(_("This booking has already been completed or has lapsed."))
            booking = appointment.booking = booking_set_status(
                booking=appointment.booking,
                status=BookingStatus.CONFIRMED if confirmed else BookingStatus.HOLD,
                hold_for=None if confirmed else timedelta(hours=CONFIRM_HOURS),
                now=now,
            )
            booking_identity_replace(booking_id=booking.pk, keys=list(keys))
            _persons_write(appointment, persons)
            appointment.email = email.strip()
            appointment.phone = phone.strip()
            appointment.language = language
            appointment.carried_over = carried_over or {}
            appointment.status = (
                AppointmentStatus.CONFIRMED if confirmed else AppointmentStatus.PENDING
            )
            if confirmed:
                appointment.confirmed_at = now
                appointment.reconfirm_by = _reconfirm_by(appointment, now)
            appointment.save()
            audit.appointment_event(
                "appointments.booked", appointment, actor, channel=appointment.get_channel_display()
            )
            if appointment.email:
                _mail(appointment, "confirmed" if confirmed else "confirm_request")
            return appointment
    except IdentityLimitReached as error:
        raise BookingRefused(_limit_message(error, keys)) from error
    except SlotUnavailable as error:
        raise BookingRefused(
            _(
                "The time was held for %(minutes)d minutes and has lapsed. "
                "Please choose a time again."
            )
            % {"minutes": HOLD_MINUTES},
            conflict=True,
        ) from error


def _persons_write(appointment: Appointment, persons: Sequence[PersonDetails]) -> None:
    day = appointment.start.astimezone(BERLIN).date()
    for person, details in zip(appointment.persons.order_by("position"), persons, strict=True):
        person.given_name = details.given_name.strip()
        person.family_name = details.family_name.strip()
        person.date_of_birth = details.date_of_birth
        person.save()
        age = person.age_on(day)
        for request in person.requests.select_related("service"):
            request.fee_eur = fee_for(request.service, on=day, age=age) * request.count
            request.save(update_fields=["fee_eur"])


def _reconfirm_by(appointment: Appointment, now: datetime) -> datetime | None:
    """Booked more than RECONFIRM_AFTER_DAYS ahead: reconfirm by RECONFIRM_DAYS_BEFORE days
    before, or the appointment lapses."""
    if appointment.start - now <= timedelta(days=RECONFIRM_AFTER_DAYS):
        return None
    return appointment.start - timedelta(days=RECONFIRM_DAYS_BEFORE)


def appointment_book(
    *,
    plan: Plan,
    start: datetime,
    persons: Sequence[PersonDetails],
    email: str,
    phone: str = "",
    language: str = "de",
    channel: str = Channel.ONLINE,
    confirmed: bool = False,
    carried_over: dict[str, Any] | None = None,
    now: datetime | None = None,
    actor: Any = None,
    with_kept: bool = False,
    supersede_booking_ids: Sequence[int] = (),
) -> Appointment:
    """Hold and give the details in one step (the API, staff on the phone or at the counter,
    the same-day draw, the standby list). If the details are refused, the hold is released
    at once."""
    now = now or timezone.now()
    if len(persons) != len(plan.persons):
        raise BookingRefused(_("Please give the details of every person."))
    appointment = appointment_hold(
        plan=plan,
        start=start,
        now=now,
        language=language,
        channel=channel,
        with_kept=with_kept,
        supersede_booking_ids=supersede_booking_ids,
    )
    try:
        return appointment_details(
            appointment=appointment,
            persons=persons,
            email=email,
            phone=phone,
            language=language,
            carried_over=carried_over,
            now=now,
            confirmed=confirmed,
            actor=actor,
        )
    except BookingRefused:
        appointment_release_hold(appointment=appointment, now=now)
        raise


def appointment_release_hold(*, appointment: Appointment, now: datetime | None = None) -> None:
    """Give a held time back at once (the citizen went back, or the details were refused)."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status != AppointmentStatus.HELD:
            return
        booking_set_status(booking=appointment.booking, status=BookingStatus.CANCELLED, now=now)
        appointment.status = AppointmentStatus.LAPSED
        appointment.cancelled_at = now
        appointment.save(update_fields=["status", "cancelled_at", "updated_at"])


# --- confirm, cancel ------------------------------------------------------------------


def appointment_confirm(*, appointment: Appointment, now: datetime | None = None) -> Appointment:
    """The e-mail link was followed: the booking stands (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status == AppointmentStatus.CONFIRMED:
            return appointment
        if appointment.status != AppointmentStatus.PENDING:
            raise BookingRefused(_("This appointment can no longer be confirmed."))
        try:
            appointment.booking = booking_set_status(
                booking=appointment.booking, status=BookingStatus.CONFIRMED, now=now
            )
        except SlotUnavailable as error:
            appointment.status = AppointmentStatus.LAPSED
            appointment.cancelled_at = now
            appointment.save(update_fields=["status", "cancelled_at", "updated_at"])
            audit.appointment_event("appointments.lapsed", appointment, why="not confirmed in time")
            raise BookingRefused(
                _(
                    "The confirmation link was not followed within %(hours)d hours; "
                    "the time has been released."
                )
                % {"hours": CONFIRM_HOURS}
            ) from error
        appointment.status = AppointmentStatus.CONFIRMED
        appointment.confirmed_at = now
        appointment.reconfirm_by = _reconfirm_by(appointment, now)
        appointment.save()
        audit.appointment_event("appointments.confirmed", appointment)
        _mail(appointment, "confirmed")
    return appointment


def appointment_cancel_only(
    *,
    appointment: Appointment,
    now: datetime | None = None,
    actor: Any = None,
    reason: str = "",
    notify: bool = True,
) -> Appointment:
    """Cancel; the freed time stays blocked for the quarantine (`cancel.appointment_cancel`
    then offers it to the standby list)."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if not appointment.is_active:
            return appointment
        appointment.booking = booking_set_status(
            booking=appointment.booking,
            status=BookingStatus.CANCELLED,
            now=now,
            quarantine_for=QUARANTINE if appointment.start > now else None,
        )
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at = now
        appointment.cancelled_reason = reason[:300]
        appointment.save()
        audit.appointment_event("appointments.cancelled", appointment, actor, reason=reason)
        if notify and appointment.email:
            _mail(appointment, "cancelled")
    return appointment


def appointment_lapse_unconfirmed(*, now: datetime | None = None) -> int:
    """Holds and pending bookings past their expiry become LAPSED (the core's expiry has
    freed or will free their time either way)."""
    now = now or timezone.now()
    lapsed = 0
    due = Appointment.objects.filter(
        status__in=[AppointmentStatus.HELD, AppointmentStatus.PENDING],
        booking__expires_at__lte=now,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            appointment = Appointment.objects.select_for_update().get(pk=pk)
            if appointment.status not in (AppointmentStatus.HELD, AppointmentStatus.PENDING):
                continue
            booking_set_status(booking=appointment.booking, status=BookingStatus.EXPIRED, now=now)
            was_pending = appointment.status == AppointmentStatus.PENDING
            appointment.status = AppointmentStatus.LAPSED
            appointment.cancelled_at = now
            appointment.save(update_fields=["status", "cancelled_at", "updated_at"])
            if was_pending:
                audit.appointment_event(
                    "appointments.lapsed", appointment, why="not confirmed in time"
                )
            lapsed += 1
    return lapsed


def _mail(appointment: Appointment, template: str) -> None:

    appointment_mail(appointment, template)
