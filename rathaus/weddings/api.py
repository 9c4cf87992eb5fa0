"""Traukalender JSON API (mounted at /api/v1/). Thin over selectors and services.

Two tokens: the *management* token (returned on creation, `Authorization: Bearer`) reads and
cancels a reservation; the *confirmation* token travels only in the e-mail and proves that the
address belongs to the couple (double opt-in). See docs/api.md.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import field_validator

from rathaus.core import idempotency
from rathaus.core.revision import revision_pinned
from rathaus.core.timezone import BERLIN
from rathaus.protection.api import api_guard, api_read_guard
from rathaus.protection.api import router as protection_router
from rathaus.scheduling.exceptions import SlotNotOffered, SlotUnavailable

from . import allowance, selectors, services, validators
from .constants import ReservationStatus
from .dates import day_plausible
from .models import Reservation
from .tokens import CONFIRM, token_matches

router = Router(tags=["Traukalender"])
router.add_router("/altcha", protection_router)  # GET /api/v1/altcha/challenge
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
    altcha: str | None = Field(
        None, max_length=4000, description="Solved ALTCHA payload; or header X-Altcha"
    )

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


BERLIN_TIME = "ISO 8601 with the Europe/Berlin offset of that moment (+01:00 or +02:00)"
BEARER = [{"bearerAuth": []}]  # the management token (components.securitySchemes, api.py)


class ReservationCreatedOut(Schema):
    reference: str
    status: ReservationStatus
    token: str = Field(..., description="The management token: `Authorization: Bearer <token>`")
    expires_at: datetime | None = Field(..., description=BERLIN_TIME)
    venue: str
    start: datetime
    end: datetime


class ReservationOut(Schema):
    reference: str
    status: ReservationStatus
    venue: str
    start: datetime = Field(..., description=BERLIN_TIME)
    end: datetime = Field(..., description=BERLIN_TIME)
    deadline: date | None
    expires_at: datetime | None = Field(..., description=BERLIN_TIME)


class StatusOut(Schema):
    status: ReservationStatus


class ConfirmIn(Schema):
    token: str = Field(..., max_length=100)


def _parse_day(value: str, name: str) -> date:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise HttpError(400, f"'{name}' must be a date in the form YYYY-MM-DD.") from None
    if not day_plausible(day):
        raise HttpError(400, f"'{name}' must be a date between 2000-01-01 and 2199-12-31.")
    return day


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
        "expires_at": _berlin(reservation.booking.expires_at),
    }


def _berlin(moment: datetime | None) -> datetime | None:
    return moment.astimezone(BERLIN) if moment else None


def _idempotency(header: str | None, request) -> tuple[str | None, str]:
    """The Idempotency-Key header and the fingerprint of the body as sent (without the
    one-time proof, which a retry may renew)."""
    try:
        key = idempotency.idempotency_key_clean(header)
    except idempotency.IdempotencyKeyInvalid:
        raise HttpError(
            400, gettext("The Idempotency-Key header must be a random UUID (version 4).")
        ) from None
    if key is None:
        return None, ""
    return key, idempotency.body_fingerprint(request.body, ignore=("altcha",))


def _replay_or(key: str | None, fingerprint: str, otherwise=None):
    """The first response again when this key already created a reservation, else `otherwise`.

    The management token is derived, never stored, so it is derived again.
    """
    if key is None:
        return otherwise
    try:
        reservation_id = idempotency.idempotency_result_get(
            scope=services.RESERVATION_IDEMPOTENCY_SCOPE, key=key, fingerprint=fingerprint
        )
    except idempotency.IdempotencyKeyReused:
        return Status(
            422, {"detail": gettext("This Idempotency-Key was already used for another request.")}
        )
    reservation = selectors.reservation_by_id(reservation_id) if reservation_id else None
    if reservation is None:
        return otherwise
    return Status(201, {**_out(reservation), "token": reservation.manage_token})


@router.get("/venues", response=list[VenueOut], summary="All wedding venues")
def venues_list(request):
    return selectors.venues_all()


@router.get(
    "/slots",
    response={200: SlotsOut, 400: Detail, 422: Detail, 429: Detail},
    summary="Free ceremony slots",
)
def slots_list(
    request,
    from_: str = Query(..., alias="from"),
    to: str = Query(...),
    venue: str | None = Query(None, max_length=80),
    guests: int | None = Query(None, ge=1, le=10000),
    weekday: list[int] = Query(None),
):
    refused = api_read_guard(request, scope="weddings.slots")
    if refused is not None:
        return refused
    first, last = _parse_day(from_, "from"), _parse_day(to, "to")
    if last < first:
        raise HttpError(400, "'to' must not be before 'from'.")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise HttpError(400, f"The range may cover at most {MAX_RANGE_DAYS} days.")
    weekdays = set(weekday or [])
    if not weekdays <= set(range(1, 8)):
        raise HttpError(400, "'weekday' must be between 1 (Monday) and 7 (Sunday).")
    query = f"{first}|{last}|{venue or ''}|{guests or ''}|{sorted(weekdays)}"
    key = "slots:" + hashlib.sha256(query.encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        filters = selectors.SlotFilter(guests=guests, weekdays={day - 1 for day in weekdays})
        if venue:
            match = selectors.venue_public_get(venue)
            if match is None:
                raise HttpError(400, f"Unknown venue '{venue}'.")
            filters.venues = [match]
        slots = selectors.ceremony_slots_free(first=first, last=last, filters=filters)
        body = SlotsOut(
            slots=[
                SlotOut(venue=s.venue.slug, start=s.start, end=s.end, fee_eur=float(s.fee_eur))
                for s in slots
            ]
        ).model_dump_json()
        # Polling is collapsed: everyone asking for the same range within a few seconds gets
        # one computation. A reservation re-checks under its lock, so staleness costs a 409.
        cache.set(key, body, settings.RATHAUS_SLOTS_CACHE_SECONDS)
    return HttpResponse(body, content_type="application/json")


@router.post(
    "/reservations",
    response={
        201: ReservationCreatedOut,
        400: Detail,
        403: Detail,
        409: Detail,
        422: Detail,
        429: Detail,
    },
    summary="Reserve a slot (pending until the e-mail link is followed)",
)
def reservation_create(
    request,
    payload: ReservationIn,
    idempotency_key: str | None = Header(
        None,
        alias=idempotency.HEADER,
        description=(
            "Optional: a random UUID (version 4); the same key with the same body on a retry"
            " returns the first reservation (docs/api.md)"
        ),
    ),
):
    with revision_pinned():  # venue, policy, registrars and rules as of one revision check
        return _reservation_create(request, payload, idempotency_key)


def _reservation_create(request, payload: ReservationIn, idempotency_key: str | None):
    key, fingerprint = _idempotency(idempotency_key, request)
    # No look-up of the key first: almost every key is new. A retry is recognised when the
    # attempt fails — its slot is taken by the first attempt, or the key's record (written in
    # the reservation's transaction) is live — and then gets the first answer (_replay_or).
    venue = selectors.venue_public_get(payload.venue)
    if venue is None:
        raise HttpError(400, f"Unknown venue '{payload.venue}'.")
    start = payload.start if payload.start.tzinfo else payload.start.replace(tzinfo=BERLIN)
    if start.year < 2000 or start > timezone.now() + timedelta(days=3660):
        raise HttpError(422, "'start' is outside the reservable range.")
    refused = api_guard(request, scope=allowance.SCOPE, payload=payload.altcha)
    if refused is not None:
        return _replay_or(key, fingerprint, refused)  # a twin may have just won
    # The address's daily allowance, as on the web form: only attempts that hold a slot use
    # it up, so each refusal below gives the unit back.
    try:
        allowance.allowance_take(payload.email)
    except allowance.AllowanceUsed as refusal:
        return _replay_or(key, fingerprint, _allowance_used(refusal))
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
            ),
            idempotency_key=key,
            idempotency_fingerprint=fingerprint,
        )
    except DjangoValidationError as error:
        allowance.allowance_return(payload.email)
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        return _replay_or(key, fingerprint, Status(422, {"detail": detail}))
    except (SlotUnavailable, SlotNotOffered) as error:
        allowance.allowance_return(payload.email)
        # a concurrent twin with the same key may have taken the slot: then it is ours
        return _replay_or(key, fingerprint, Status(409, {"detail": str(error.message)}))
    except idempotency.IdempotencyKeyLive:  # an earlier request with this key succeeded
        allowance.allowance_return(payload.email)
        taken = Status(409, {"detail": str(SlotUnavailable.default_message)})
        return _replay_or(key, fingerprint, taken)
    reservation = created.reservation
    return Status(201, {**_out(reservation), "token": created.manage_token})


def _allowance_used(refusal: allowance.AllowanceUsed) -> HttpResponse:
    """429 with Retry-After and the sentence that says what the limit is."""
    response = JsonResponse({"detail": refusal.message}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


@router.get(
    "/reservations/{reference}",
    response={200: ReservationOut, 404: Detail},
    summary="A reservation (management token as bearer; 404 for a wrong one)",
    openapi_extra={"security": BEARER},
)
def reservation_detail(request, reference: str):
    return _out(_reservation_for(reference, _bearer(request)))


@router.post(
    "/reservations/{reference}/cancel",
    response={200: StatusOut, 404: Detail},
    summary="Cancel a reservation (management token as bearer); again: the same answer",
    openapi_extra={"security": BEARER},
)
def reservation_cancel(request, reference: str):
    reservation = services.reservation_cancel_by_couple(
        reservation=_reservation_for(reference, _bearer(request))
    )
    return {"status": reservation.status}


@router.post(
    "/reservations/{reference}/confirm",
    response={200: StatusOut, 400: Detail, 404: Detail, 409: Detail, 422: Detail},
    summary="Confirm the e-mail address with the token from the confirmation e-mail",
    description=(
        "The confirmation token in the body or as bearer. 200 `reserved` (again on a repeated"
        " click); 409 when the hold expired first or the reservation was cancelled."
    ),
    openapi_extra={"security": [*BEARER, {}]},
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
    if reservation.status not in (ReservationStatus.RESERVED, ReservationStatus.CONFIRMED):
        return Status(
            409,
            {
                "detail": gettext(
                    "This reservation was cancelled or has expired; it cannot be confirmed."
                )
            },
        )
    return {"status": reservation.status}
