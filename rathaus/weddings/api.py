"""Traukalender JSON API (mounted at /api/v1/). Thin over selectors and services.

Two tokens: the *management* token (returned on creation, `Authorization: Bearer`) reads and
cancels a reservation; the *confirmation* token travels only in the e-mail and proves that the
address belongs to the couple (double opt-in). See docs/api.md.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from rathaus.core.timezone import BERLIN
from rathaus.scheduling.exceptions import SlotNotOffered, SlotUnavailable

from . import selectors, services, validators
from .models import Reservation
from .tokens import CONFIRM, token_matches

router = Router(tags=["Traukalender"])
MAX_RANGE_DAYS = 366


class VenueOut(Schema):
    slug: str
    name: str
    district: str
    address: str
    max_guests: int
    step_free: bool
    outdoor_possible: bool
    active: bool


class SlotOut(Schema):
    venue: str
    start: datetime
    end: datetime
    fee_eur: float


class SlotsOut(Schema):
    slots: list[SlotOut]


class Detail(Schema):
    detail: str | list | dict


class PartnerIn(Schema):
    given_name: str = Field(..., max_length=100)
    family_name: str = Field(..., max_length=100)

    @field_validator("given_name", "family_name")
    @classmethod
    def _name(cls, value: str) -> str:
        try:
            return validators.clean_name(value)
        except DjangoValidationError as error:
            raise ValueError(str(error.messages[0])) from None


class ReservationIn(Schema):
    venue: str = Field(..., max_length=80)
    start: datetime
    partners: list[PartnerIn] = Field(..., min_length=2, max_length=2)
    email: str = Field(..., max_length=254)
    phone: str | None = Field(None, max_length=40)
    guests: int = Field(..., ge=1, le=1000)
    language: Literal["de", "en"] = "de"
    note: str | None = Field(None, max_length=2000)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        try:
            return validators.clean_email(value)
        except DjangoValidationError as error:
            raise ValueError(str(error.messages[0])) from None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str:
        try:
            return validators.clean_phone(value or "")
        except DjangoValidationError as error:
            raise ValueError(str(error.messages[0])) from None

    @field_validator("note")
    @classmethod
    def _note(cls, value: str | None) -> str:
        try:
            return validators.clean_note(value or "")
        except DjangoValidationError as error:
            raise ValueError(str(error.messages[0])) from None


class ReservationCreatedOut(Schema):
    reference: str
    status: str
    token: str
    expires_at: datetime | None
    venue: str
    start: datetime
    end: datetime


class ReservationOut(Schema):
    reference: str
    status: str
    venue: str
    start: datetime
    end: datetime
    deadline: date | None
    expires_at: datetime | None


class StatusOut(Schema):
    status: str


class ConfirmIn(Schema):
    token: str = Field(..., max_length=100)


def _parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise HttpError(400, f"'{name}' must be a date in the form YYYY-MM-DD.") from None


def _bearer(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _reservation_for(reference: str, token: str) -> Reservation:
    reservation = selectors.reservation_by_reference(reference[:20])
    if not services.reservation_authorised(reservation, token):
        raise HttpError(404, "Reservation not found.")
    return reservation


def _out(reservation: Reservation) -> dict:
    return {
        "reference": reservation.reference,
        "status": reservation.status,
        "venue": reservation.venue.slug,
        "start": reservation.start.astimezone(BERLIN),
        "end": reservation.end.astimezone(BERLIN),
        "deadline": reservation.notice_deadline,
        "expires_at": reservation.booking.expires_at,
    }


@router.get("/venues", response=list[VenueOut], summary="All wedding venues")
def venues_list(request):
    return list(selectors.Venue.objects.all())


@router.get("/slots", response={200: SlotsOut, 400: Detail}, summary="Free ceremony slots")
def slots_list(
    request,
    from_: str = Query(..., alias="from"),
    to: str = Query(...),
    venue: str | None = Query(None, max_length=80),
    guests: int | None = Query(None, ge=1, le=10000),
    weekday: list[int] = Query(None),
):
    first, last = _parse_day(from_, "from"), _parse_day(to, "to")
    if last < first:
        raise HttpError(400, "'to' must not be before 'from'.")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise HttpError(400, f"The range may cover at most {MAX_RANGE_DAYS} days.")
    weekdays = set(weekday or [])
    if not weekdays <= set(range(1, 8)):
        raise HttpError(400, "'weekday' must be between 1 (Monday) and 7 (Sunday).")
    filters = selectors.SlotFilter(guests=guests, weekdays={day - 1 for day in weekdays})
    if venue:
        match = selectors.venue_public_get(venue)
        if match is None:
            raise HttpError(400, f"Unknown venue '{venue}'.")
        filters.venues = [match]
    slots = selectors.ceremony_slots_free(first=first, last=last, filters=filters)
    return {
        "slots": [
            {"venue": s.venue.slug, "start": s.start, "end": s.end, "fee_eur": float(s.fee_eur)}
            for s in slots
        ]
    }


@router.post(
    "/reservations",
    response={201: ReservationCreatedOut, 400: Detail, 409: Detail, 422: Detail},
    summary="Reserve a slot (pending until the e-mail link is followed)",
)
def reservation_create(request, payload: ReservationIn):
    venue = selectors.venue_public_get(payload.venue)
    if venue is None:
        raise HttpError(400, f"Unknown venue '{payload.venue}'.")
    start = payload.start if payload.start.tzinfo else payload.start.replace(tzinfo=BERLIN)
    if start.year < 2000 or start > timezone.now() + timedelta(days=3660):
        raise HttpError(422, "'start' is outside the reservable range.")
    try:
        created = services.reservation_create(
            request=services.ReservationRequest(
                venue=venue,
                start=start,
                partners=tuple(
                    services.Partner(p.given_name, p.family_name) for p in payload.partners
                ),
                email=payload.email,
                phone=payload.phone or "",
                guests=payload.guests,
                language=payload.language,
                note=payload.note or "",
            )
        )
    except DjangoValidationError as error:
        return Status(
            422, {"detail": error.message_dict if hasattr(error, "error_dict") else error.messages}
        )
    except (SlotUnavailable, SlotNotOffered) as error:
        return Status(409, {"detail": str(error.message)})
    reservation = created.reservation
    return Status(201, {**_out(reservation), "token": created.manage_token})


@router.get("/reservations/{reference}", response={200: ReservationOut, 404: Detail})
def reservation_detail(request, reference: str):
    return _out(_reservation_for(reference, _bearer(request)))


@router.post("/reservations/{reference}/cancel", response={200: StatusOut, 404: Detail})
def reservation_cancel(request, reference: str):
    reservation = services.reservation_cancel_by_couple(
        reservation=_reservation_for(reference, _bearer(request))
    )
    return {"status": reservation.status}


@router.post(
    "/reservations/{reference}/confirm",
    response={200: StatusOut, 404: Detail, 409: Detail},
    summary="Confirm the e-mail address with the token from the confirmation e-mail",
)
def reservation_confirm(request, reference: str, payload: ConfirmIn | None = None):
    token = (payload.token if payload else "") or _bearer(request)
    reservation = selectors.reservation_by_reference(reference[:20])
    if reservation is None or not token_matches(
        token, CONFIRM, reservation.reference, reservation.token_nonce
    ):
        raise HttpError(404, "Reservation not found.")
    try:
        reservation = services.reservation_confirm_email(reservation=reservation, token=token)
    except SlotUnavailable as error:
        return Status(409, {"detail": str(error.message)})
    return {"status": reservation.status}
