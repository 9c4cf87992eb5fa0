"""The office's edits: zones, fees, register extracts (CSV)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from rathaus.audit.services import changes, snapshot

from .. import audit_events as audit
from ..addresses import house_number_format, street_key
from ..models import FeeRule, ImportRun, RegisteredResident, RegisteredVehicle, Zone
from ..plates import plate_check

ZONE_FIELDS = [
    "name",
    "spaces",
    "residence",
    "garage_confirmation",
    "display_required",
    "hours",
    "hours_en",
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
    return run
