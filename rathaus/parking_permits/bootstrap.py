"""Bottrop's street excerpt, known zones and fee schedule from `data/*.json` (sources in the
files). Used by migration 0002 with the historical models and by tests that empty the tables
(`bottrop_parking_load(apps)` with `django.apps.apps`). Idempotent."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from .addresses import street_key

DATA = Path(__file__).resolve().parent / "data"


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def bottrop_parking_load(apps: Any) -> None:
    Street = apps.get_model("parking_permits", "Street")
    Zone = apps.get_model("parking_permits", "Zone")
    ZoneSegment = apps.get_model("parking_permits", "ZoneSegment")
    FeeRule = apps.get_model("parking_permits", "FeeRule")
    streets = {}
    for name in _load("bottrop_streets.json")["streets"]:
        streets[name] = Street.objects.get_or_create(key=street_key(name), defaults={"name": name})[
            0
        ]
    for entry in _load("bottrop_zones.json")["zones"]:
        zone, _created = Zone.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "spaces": entry["spaces"],
                "residence": entry["residence"],
                "garage_confirmation": entry["garage_confirmation"],
                "display_required": entry["display_required"],
                "hours": entry["hours"],
                "hours_en": entry["hours_en"],
                "assumed": entry["assumed"],
            },
        )
        for segment in entry["segments"]:
            street = (
                streets.get(segment["street"])
                or Street.objects.get_or_create(
                    key=street_key(segment["street"]), defaults={"name": segment["street"]}
                )[0]
            )
            ZoneSegment.objects.get_or_create(
                zone=zone,
                street=street,
                first_number=segment["first"],
                last_number=segment["last"],
                side=segment["side"],
            )
    for fee in _load("bottrop_fees.json")["fees"]:
        FeeRule.objects.get_or_create(
            kind=fee["kind"],
            valid_from=date.fromisoformat(fee["valid_from"]),
            defaults={"amount": Decimal(fee["amount"]), "basis": fee["basis"]},
        )
