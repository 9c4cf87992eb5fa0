"""The office's edits: zones, fees, register extracts (CSV)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.audit.services import changes, snapshot

from .. import audit_events as audit
from ..addresses import house_number_format, street_key
from ..constants import Side
from ..models import (
    FeeRule,
    ImportRun,
    RegisteredResident,
    RegisteredVehicle,
    Street,
    Zone,
    ZoneSegment,
)
from ..plates import plate_check
from .changes import move_out_check

ZONE_FIELDS = [
    "name",
    "spaces",
    "residence",
    "garage_confirmation",
    "display_required",
    "hours",
    "hours_en",
    "grace_minutes",
    "visitor_day_fee",
    "active",
]
RESIDENT_COLUMNS = [
    "family_name",
    "given_name",
    "birth_date",
    "street",
    "house_number",
    "residence",
]
VEHICLE_COLUMNS = ["plate", "keeper_family_name", "keeper_given_name", "keeper_birth_date"]
MAX_ROWS = 500_000


class ImportRejected(ValueError):
    pass


def zone_update(*, zone: Zone, actor: Any, **values: Any) -> Zone:
    with transaction.atomic():
        before = snapshot(zone, ZONE_FIELDS)
        for name, value in values.items():
            if name not in ZONE_FIELDS:
                raise ValueError(name)
            setattr(zone, name, value)
        zone.full_clean()
        zone.save()
        diff = changes(before, snapshot(zone, ZONE_FIELDS))
        if diff:
            audit.zone_updated(zone, actor=actor, changes=diff)
    return zone


def fee_rule_create(
    *, kind: str, amount: Decimal, valid_from: date, basis: str, actor: Any
) -> FeeRule:
    """A new fee from a day on; the rule in force until then ends the day before."""
    with transaction.atomic():
        rule = FeeRule.objects.create(kind=kind, amount=amount, valid_from=valid_from, basis=basis)
        audit.fee_created(rule, actor=actor)
    return rule


def _rows(content: str, columns: list[str]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")), delimiter=";")
    if reader.fieldnames is None or [c.strip() for c in reader.fieldnames] != columns:
        raise ImportRejected("The columns must be: " + ";".join(columns))
    rows = [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    if len(rows) > MAX_ROWS:
        raise ImportRejected("Too many rows.")
    return rows


def _day(text: str, line: int) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ImportRejected(f"Line {line}: the date must look like 1980-04-30.") from None


def _resident(row: dict[str, str], line: int, now: datetime) -> RegisteredResident:
    if row["residence"] not in ("main", "secondary"):
        raise ImportRejected(f"Line {line}: residence must be main or secondary.")
    return RegisteredResident(
        family_name=row["family_name"],
        given_name=row["given_name"],
        birth_date=_day(row["birth_date"], line),
        street_key=street_key(row["street"]),
        house_number=house_number_format(row["house_number"]),
        residence=row["residence"],
        imported_at=now,
    )


def _vehicle(row: dict[str, str], line: int, now: datetime) -> RegisteredVehicle:
    check = plate_check(row["plate"])
    if check.plate is None:
        raise ImportRejected(f"Line {line}: the plate is not a valid German plate with separator.")
    birth = row["keeper_birth_date"]
    return RegisteredVehicle(
        plate=check.plate.canonical,
        keeper_family_name=row["keeper_family_name"],
        keeper_given_name=row["keeper_given_name"],
        keeper_birth_date=_day(birth, line) if birth else None,
        imported_at=now,
    )


def register_import(*, register: str, content: str, actor: Any, now: datetime) -> ImportRun:
    """Replace the extract of one register (`residents` or `vehicles`) with a CSV file."""
    if register == "residents":
        rows = _rows(content, RESIDENT_COLUMNS)
        objects: list[Any] = [_resident(r, i, now) for i, r in enumerate(rows, start=2)]
        model: Any = RegisteredResident
    elif register == "vehicles":
        rows = _rows(content, VEHICLE_COLUMNS)
        objects = [_vehicle(r, i, now) for i, r in enumerate(rows, start=2)]
        model = RegisteredVehicle
    else:
        raise ImportRejected("Unknown register.")
    with transaction.atomic():
        model.objects.all().delete()
        model.objects.bulk_create(objects, batch_size=2000)
        run = ImportRun.objects.create(
            kind=register,
            rows=len(objects),
            imported_by=actor if getattr(actor, "pk", None) else None,
            imported_at=now,
        )
        audit.register_imported(run, actor=actor, register=register, rows=len(objects))
        if register == "residents":  # holders no longer registered in their zone
            run.flagged = move_out_check(now=now, actor=actor)  # type: ignore[attr-defined]
    return run


# --- Zone segments: the streets and house numbers of a zone ------------------------------------

SEGMENT_FIELDS = ["street", "first_number", "last_number", "side"]


class SegmentRejected(ValueError):
    """A segment that cannot be saved; `message` is for staff (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _covered(first: int, last: int, side: str) -> tuple[int, int] | None:
    """The first and last house number of the range that lie on `side`, or None."""
    if side != Side.ALL:
        wanted = 1 if side == Side.ODD else 0
        first += (first - wanted) % 2
        last -= (last - wanted) % 2
    return (first, last) if first <= last else None


def segments_overlap(one: ZoneSegment, other: ZoneSegment) -> bool:
    """True when some house number of the same street lies in both segments."""
    if one.street_id != other.street_id:
        return False
    first = max(one.first_number, other.first_number)
    last = min(one.last_number, other.last_number)
    if first > last:
        return False
    if one.side == Side.ALL:
        side = other.side
    elif other.side in (Side.ALL, one.side):
        side = one.side
    else:
        return False  # odd against even
    return _covered(first, last, side) is not None


def _segment_check(segment: ZoneSegment) -> None:
    if segment.first_number < 1:
        raise SegmentRejected(_("House numbers start at 1."))
    if segment.first_number > segment.last_number:
        raise SegmentRejected(
            _("The range is reversed: the first number must not be larger than the last.")
        )
    if _covered(segment.first_number, segment.last_number, segment.side) is None:
        raise SegmentRejected(_("The range holds no house number on the chosen side."))
    # Edits of one street wait for each other (the street's row is the lock), so two at once
    # cannot both pass the overlap check.
    Street.objects.select_for_update().filter(pk=segment.street_id).first()
    others = (
        ZoneSegment.objects.filter(street_id=segment.street_id)
        .exclude(pk=segment.pk)
        .select_related("zone", "street")
    )
    for other in others:
        if segments_overlap(segment, other):
            raise SegmentRejected(
                _(
                    "These house numbers overlap %(segment)s of the zone %(zone)s. "
                    "Change or delete that segment first."
                )
                % {"segment": segment_label(other), "zone": other.zone.name}
            )


def segment_label(segment: ZoneSegment) -> str:
    """`Brauerstraße 1–29 (odd numbers)` in the active language."""
    return (
        f"{segment.street.name} {segment.first_number}–{segment.last_number} "
        f"({segment.get_side_display()})"
    )


def segment_create(
    *, zone: Zone, street: Street, first_number: int, last_number: int, side: str, actor: Any
) -> ZoneSegment:
    segment = ZoneSegment(
        zone=zone, street=street, first_number=first_number, last_number=last_number, side=side
    )
    with transaction.atomic():
        _segment_check(segment)
        segment.save()
        audit.segment_created(zone, actor=actor, after=snapshot(segment, SEGMENT_FIELDS))
    return segment


def segment_update(*, segment: ZoneSegment, actor: Any, **values: Any) -> ZoneSegment:
    with transaction.atomic():
        before = snapshot(segment, SEGMENT_FIELDS)
        for name, value in values.items():
            if name not in SEGMENT_FIELDS:
                raise ValueError(name)
            setattr(segment, name, value)
        _segment_check(segment)
        after = snapshot(segment, SEGMENT_FIELDS)
        diff = changes(before, after)
        if diff:
            segment.save()
            audit.segment_updated(
                segment.zone, actor=actor, before=before, after=after, changes=diff
            )
    return segment


def segment_delete(*, segment: ZoneSegment, actor: Any) -> None:
    with transaction.atomic():
        before = snapshot(segment, SEGMENT_FIELDS)
        zone = segment.zone
        segment.delete()
        audit.segment_deleted(zone, actor=actor, before=before)
