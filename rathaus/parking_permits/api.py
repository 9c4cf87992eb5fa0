"""Resident-parking JSON API, mounted at /api/v1/parking/ (docs/api.md). Public reads only,
rate limited per IP like the wedding calendar's reads; nothing is stored."""

from __future__ import annotations

from decimal import Decimal

from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from rathaus.core.timezone import local_today
from rathaus.protection.api import api_read_guard

from . import selectors
from .constants import PERMIT_YEARS
from .plates import plate_check
from .texts import precheck_conditions, precheck_documents

router = Router(tags=["Resident parking"])
MAX_PARAM = 120


class ZoneOut(Schema):
    slug: str
    name: str
    streets: list[str]


class FeeOut(Schema):
    kind: str
    years: int
    amount_eur: Decimal


class PreCheckOut(Schema):
    in_zone: bool
    zone: str | None
    zone_name: str | None
    street: str
    number: str
    fees: list[FeeOut]
    conditions: list[str]
    documents: list[str]


class PlateOut(Schema):
    valid: bool
    plate: str | None
    readings: list[str]


class Detail(Schema):
    detail: str | list | dict


@router.get(
    "/zones",
    response={200: list[ZoneOut], 429: Detail},
    summary="Bottrop's residents' parking zones with their streets",
)
def zones_list(request):
    refused = api_read_guard(request, scope="parking.read")
    if refused is not None:
        return refused
    return Status(
        200,
        [
            {"slug": z.slug, "name": z.name, "streets": selectors.zone_street_names(z)}
            for z in selectors.zones_public()
        ],
    )


@router.get(
    "/precheck",
    response={200: PreCheckOut, 400: Detail, 429: Detail},
    summary="Is an address in a residents' parking zone? With fees, conditions and documents",
    description=(
        "Street names are matched forgivingly (Str./Straße, case, umlauts). 400 with "
        "`detail` for a missing or unknown street or an invalid house number. Nothing is stored."
    ),
)
def precheck(
    request,
    street: str = Query("", max_length=MAX_PARAM),
    number: str = Query("", max_length=20),
):
    refused = api_read_guard(request, scope="parking.read")
    if refused is not None:
        return refused
    try:
        result = selectors.precheck(street, number, on=local_today())
    except selectors.PreCheckError as error:
        raise HttpError(400, error.message) from None
    zone = result.zone
    return Status(
        200,
        {
            "in_zone": result.in_zone,
            "zone": zone.slug if zone else None,
            "zone_name": zone.name if zone else None,
            "street": result.street.name,
            "number": result.number,
            "fees": [
                {"kind": f.kind, "years": PERMIT_YEARS[f.kind], "amount_eur": f.amount}
                for f in result.fees
            ],
            "conditions": [str(text) for text in precheck_conditions(zone)] if zone else [],
            "documents": [str(text) for text in precheck_documents()] if zone else [],
        },
    )


@router.get(
    "/plates/check",
    response={200: PlateOut, 429: Detail},
    summary="Check a German licence plate; list every valid reading",
    description=(
        "`readings` lists every valid reading of the input in canonical form (`BOT-AB 123`, "
        "`BOT-A 12H`); more than one when the input is ambiguous (`BOTA1`: BO-TA 1 or "
        "BOT-A 1), and then `plate` is null. `valid` is true only for exactly one reading."
    ),
)
def plates_check(request, plate: str = Query("", max_length=40)):
    refused = api_read_guard(request, scope="parking.read")
    if refused is not None:
        return refused
    check = plate_check(plate)
    return Status(
        200,
        {
            "valid": check.valid,
            "plate": check.plate.canonical if check.plate else None,
            "readings": [reading.canonical for reading in check.readings],
        },
    )
