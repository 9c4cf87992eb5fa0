"""Bottrop's street excerpt, known zones and fee schedule (data/*.json, sources in the files)."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _load(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _key(name):
    from rathaus.parking_permits.addresses import street_key

    return street_key(name)


def forwards(apps, schema_editor):
    Street = apps.get_model("parking_permits", "Street")
    Zone = apps.get_model("parking_permits", "Zone")
    ZoneSegment = apps.get_model("parking_permits", "ZoneSegment")
    FeeRule = apps.get_model("parking_permits", "FeeRule")
    streets = {}
    for name in _load("bottrop_streets.json")["streets"]:
        streets[name] = Street.objects.get_or_create(key=_key(name), defaults={"name": name})[0]
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
            street = streets.get(segment["street"]) or Street.objects.get_or_create(
                key=_key(segment["street"]), defaults={"name": segment["street"]}
            )[0]
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


class Migration(migrations.Migration):
    dependencies = [("parking_permits", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
