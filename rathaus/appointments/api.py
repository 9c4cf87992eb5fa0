"""Bürgerbüro appointments JSON API (mounted at /api/v1/appointments). Thin over selectors and
services; the same bot protection and rate limits as the wedding API (rathaus/protection).

Every refusal is a 4xx with `{"detail": …}` in the request's language (German unless the
client asks for English); the body is read and checked here, field by field, so that even a
wrong type gets a sentence a person can act on. The management token returned on creation
reads and cancels the appointment (`Authorization: Bearer <token>`); a wrong one answers 404.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from rathaus.core.references import ALPHABET
from rathaus.core.revision import revision_pinned
from rathaus.core.timezone import BERLIN
from rathaus.protection.api import api_guard, api_read_guard

from . import selectors
from .constants import (
    MAX_PERSONS,
    MAX_RANGE_DAYS,
    REFERENCE_LENGTH,
    REFERENCE_PREFIX,
    AppointmentStatus,
)
from .links import appointment_token, appointment_token_valid
from .models import Appointment
from .services.booking import BookingRefused, PersonDetails, appointment_book
from .services.cancel import appointment_cancel

router = Router(tags=["Bürgerbüro"])
SCOPE = "appointments.booking"
BERLIN_TIME = "ISO 8601 with the Europe/Berlin offset of that moment (+01:00 or +02:00)"
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
# A reference's shape (core.references): anything else is not an appointment, and the fixed
# paths beside `{reference}` (services, locations, slots) can never be mistaken for one.
REFERENCE: Any = Path(..., pattern=rf"^{REFERENCE_PREFIX}-[{ALPHABET}]{{{REFERENCE_LENGTH}}}$")  # type: ignore[type-arg]


class AppointmentServiceOut(Schema):
    slug: str
    name: str
    minutes: int
    fee_eur: float
    locations: list[str]
    online: bool


class AppointmentLocationOut(Schema):
    slug: str
    name: str
    address: str


class AppointmentSlotOut(Schema):
    start: datetime
    end: datetime
    location: str
    free: int


class AppointmentSlotsOut(Schema):
    slots: list[AppointmentSlotOut]


class AppointmentCreatedOut(Schema):
    reference: str
    token: str = Field(..., description="The management token: `Authorization: Bearer <token>`")
    status: AppointmentStatus
    start: datetime
    end: datetime


class AppointmentOut(Schema):
    reference: str
    status: AppointmentStatus
    location: str
    start: datetime
    end: datetime
    services: list[dict[str, Any]]


class AppointmentStatusOut(Schema):
    status: AppointmentStatus


class AppointmentDetail(Schema):
    detail: str


class AppointmentErrors(Schema):
    detail: list[dict[str, Any]] = Field(..., description="A malformed reference")


_PERSON = {
    "type": "object",
    "required": ["given_name", "family_name", "date_of_birth"],
    "properties": {
        "given_name": {"type": "string", "minLength": 1, "maxLength": 100},
        "family_name": {"type": "string", "minLength": 1, "maxLength": 100},
        "date_of_birth": {"type": "string", "format": "date"},
    },
}
_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["location", "start", "services", "person", "email"],
                "properties": {
                    "location": {"type": "string", "maxLength": 40},
                    "start": {"type": "string", "format": "date-time", "description": BERLIN_TIME},
                    "services": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["service"],
                            "properties": {
                                "service": {"type": "string", "maxLength": 60},
                                "count": {"type": "integer", "minimum": 1, "default": 1},
                            },
                        },
                    },
                    "person": _PERSON,
                    "persons": {
                        "type": "array",
                        "description": "Several persons instead of `person`, each with `services`",
                        "maxItems": MAX_PERSONS,
                        "items": _PERSON,
                    },
                    "email": {"type": "string", "format": "email", "maxLength": 254},
                    "language": {"type": "string", "enum": ["de", "en"], "default": "de"},
                    "altcha": {"type": "string", "description": "Solved ALTCHA payload"},
                },
            }
        }
    },
}


def _bad(message: str) -> HttpError:
    return HttpError(400, message)


def _day(value: str, name: str) -> date:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _bad(
            _("“%(name)s” must be a date in the form YYYY-MM-DD.") % {"name": name}
        ) from None
    if not date(2000, 1, 1) <= day <= date(2199, 12, 31):
        raise _bad(_("“%(name)s” must be a date between 2000 and 2199.") % {"name": name})
    return day


def _plan(location: str, needs: list[selectors.PersonNeed]) -> selectors.Plan:
    try:
        return selectors.plan_make(location, needs)
    except selectors.PlanInvalid as error:
        raise _bad(str(error.message)) from None


@router.get("/appointments/services", response=list[AppointmentServiceOut], summary="The services")
def appointment_services(request: HttpRequest) -> list[dict[str, Any]]:
    today = timezone.now().astimezone(BERLIN).date()
    return [
        {
            "slug": service.slug,
            "name": service.name,
            "minutes": service.minutes,
            "fee_eur": float(selectors.fee_for(service, on=today, age=None)),
            "locations": [location.slug for location in selectors.service_locations(service)],
            "online": service.online and not service.information_only,
        }
        for service in selectors.services_public()
    ]


@router.get(
    "/appointments/locations", response=list[AppointmentLocationOut], summary="The locations"
)
def appointment_locations(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"slug": location.slug, "name": location.name, "address": location.address}
        for location in selectors.locations_public()
    ]


@router.get(
    "/appointments/slots",
    response={200: AppointmentSlotsOut, 400: AppointmentDetail, 429: AppointmentDetail},
    summary="Free start times for the requested services",
    description=(
        "One entry per start time, sorted; `free` = how many such appointments can still start"
        " then. `services` as `slug:count,slug:count` for one person."
    ),
)
def appointment_slots(
    request: HttpRequest,
    location: str = Query(..., max_length=40),  # type: ignore[type-arg]
    from_: str = Query(..., alias="from"),  # type: ignore[type-arg]
    to: str = Query(...),  # type: ignore[type-arg]
    services: str = Query(..., max_length=500),  # type: ignore[type-arg]
) -> Any:
    refused = api_read_guard(request, scope="appointments.slots")
    if refused is not None:
        return refused
    first, last = _day(from_, "from"), _day(to, "to")
    if last < first:
        raise _bad(_("“to” must not be before “from”."))
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise _bad(_("The range may cover at most %(days)d days.") % {"days": MAX_RANGE_DAYS})
    try:
        needs = selectors.needs_parse(services)
    except ValueError:
        raise _bad(_("“services” must look like personalausweis:2,reisepass:1.")) from None
    with revision_pinned():
        plan = _plan(location, needs)
        found = selectors.free_times(plan, first, last, parallel=False)
    slug = plan.location.slug
    return {
        "slots": [
            {
                "start": slot.start.astimezone(BERLIN),
                "end": slot.end.astimezone(BERLIN),
                "location": slug,
                "free": slot.free,
            }
            for slot in found
        ]
    }


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise _bad(_("The body must be a JSON object.")) from None
    if not isinstance(body, dict):
        raise _bad(_("The body must be a JSON object."))
    return body


def _text(body: dict[str, Any], name: str, *, max_length: int, required: bool = True) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _bad(_("“%(name)s” is required and must be text.") % {"name": name})
    if len(value) > max_length:
        raise _bad(_("“%(name)s” is too long.") % {"name": name})
    return value.strip()


def _person(value: Any, label: str) -> PersonDetails:
    if not isinstance(value, dict):
        raise _bad(
            _("“%(name)s” must be an object with given_name, family_name and date_of_birth.")
            % {"name": label}
        )
    given = _text(value, "given_name", max_length=100)
    family = _text(value, "family_name", max_length=100)
    born_text = value.get("date_of_birth")
    try:
        born = date.fromisoformat(born_text) if isinstance(born_text, str) else None
    except ValueError:
        born = None
    if born is None:
        raise _bad(_("“date_of_birth” must be a date in the form YYYY-MM-DD."))
    return PersonDetails(given, family, born)


def _services(value: Any) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, list) or not value:
        raise _bad(_("“services” must be a non-empty list of {service, count}."))
    chosen = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("service"), str):
            raise _bad(_("Every entry of “services” needs a “service”."))
        count = item.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise _bad(_("“count” must be a whole number of at least 1."))
        chosen.append((item["service"][:60], count))
    return tuple(chosen)


def _start(value: Any) -> datetime:
    try:
        start = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        start = None
    if start is None:
        raise _bad(
            _("“start” must be a date and time in ISO 8601, e.g. 2027-06-07T09:00:00+02:00.")
        )
    if start.tzinfo is None:
        start = start.replace(tzinfo=BERLIN)
    if not 2000 <= start.year <= 2199:
        raise _bad(_("“start” is outside the bookable range."))
    return start


def _email(body: dict[str, Any]) -> str:
    email = _text(body, "email", max_length=254)
    try:
        validate_email(email)
    except DjangoValidationError:
        raise _bad(_("“email” is not a valid e-mail address.")) from None
    return email


def _language(body: dict[str, Any]) -> str:
    language = body.get("language", "de")
    if language not in ("de", "en"):
        raise _bad(_("“language” must be “de” or “en”."))
    return str(language)


@router.post(
    "/appointments",
    response={
        201: AppointmentCreatedOut,
        400: AppointmentDetail,
        403: AppointmentDetail,
        409: AppointmentDetail,
        429: AppointmentDetail,
    },
    summary="Book an appointment (pending until the e-mail link is followed)",
    description=(
        "Holds the time and sends the confirmation e-mail; 409 when no counter is free for"
        " the whole length any more. `person` and top-level `services`, or `persons` each"
        " with its own `services`."
    ),
    openapi_extra={"requestBody": _BODY},
)
def appointment_create(request: HttpRequest) -> Any:
    body = _body(request)
    location = _text(body, "location", max_length=40)
    start = _start(body.get("start"))
    if "persons" in body:
        persons_in = body["persons"]
        if not isinstance(persons_in, list) or not 1 <= len(persons_in) <= MAX_PERSONS:
            raise _bad(_("“persons” must list 1 to %(count)d persons.") % {"count": MAX_PERSONS})
        persons = [_person(item, "persons") for item in persons_in]
        needs = [selectors.PersonNeed(_services(item.get("services"))) for item in persons_in]
    else:
        persons = [_person(body.get("person"), "person")]
        needs = [selectors.PersonNeed(_services(body.get("services")))]
    email = _email(body)
    language = _language(body)
    altcha = body.get("altcha") if isinstance(body.get("altcha"), str) else None
    refused = api_guard(request, scope=SCOPE, email=email, payload=altcha)
    if refused is not None:
        return refused
    with revision_pinned():
        plan = _plan(location, needs)
    try:
        appointment = appointment_book(
            plan=plan, start=start, persons=persons, email=email, language=language
        )
    except BookingRefused as error:
        status = 409 if error.conflict else 400
        return JsonResponse({"detail": str(error.message)}, status=status)
    return JsonResponse(
        {
            "reference": appointment.reference,
            "token": appointment_token(appointment),
            "status": appointment.status,
            "start": appointment.start.astimezone(BERLIN).isoformat(),
            "end": appointment.end.astimezone(BERLIN).isoformat(),
        },
        status=201,
    )


def _bearer(request: HttpRequest) -> str:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _appointment_for(request: HttpRequest, reference: str) -> Appointment:
    appointment = selectors.appointment_by_reference(reference[:20])
    if (
        appointment is None
        or appointment.erased_at
        or not appointment_token_valid(appointment, _bearer(request))
    ):
        raise HttpError(404, _("Appointment not found."))
    return appointment


@router.get(
    "/appointments/{reference}",
    response={200: AppointmentOut, 404: AppointmentDetail, 422: AppointmentErrors},
    summary="An appointment (management token as bearer; 404 for a wrong one)",
    openapi_extra={"security": BEARER},
)
def appointment_detail(request: HttpRequest, reference: str = REFERENCE) -> dict[str, Any]:
    appointment = _appointment_for(request, reference)
    return {
        "reference": appointment.reference,
        "status": appointment.status,
        "location": appointment.location.slug,
        "start": appointment.start.astimezone(BERLIN),
        "end": appointment.end.astimezone(BERLIN),
        "services": [
            {"person": person.position, "service": r.service.slug, "count": r.count}
            for person in appointment.persons.all()
            for r in person.requests.all()
        ],
    }


@router.post(
    "/appointments/{reference}/cancel",
    response={200: AppointmentStatusOut, 404: AppointmentDetail, 422: AppointmentErrors},
    summary="Cancel an appointment (management token as bearer); again: the same answer",
    openapi_extra={"security": BEARER},
)
def appointment_cancel_by_token(
    request: HttpRequest, reference: str = REFERENCE
) -> HttpResponse | dict[str, str]:
    appointment = appointment_cancel(appointment=_appointment_for(request, reference))
    return {"status": appointment.status}
