"""The fee rule of a temporary permit for a replacement vehicle (data/bottrop_fees.json, assumed
free) in databases loaded before it existed. Only that fee: zones and segments staff edited
stay as they are."""

import json
from datetime import date
from decimal import Decimal

from django.db import migrations

from rathaus.parking_permits.bootstrap import DATA


def forwards(apps, schema_editor):
    FeeRule = apps.get_model("parking_permits", "FeeRule")
    fees = json.loads((DATA / "bottrop_fees.json").read_text(encoding="utf-8"))["fees"]
    for fee in fees:
        if fee["kind"] != "temporary":
            continue
        FeeRule.objects.get_or_create(
            kind=fee["kind"],
            valid_from=date.fromisoformat(fee["valid_from"]),
            defaults={"amount": Decimal(fee["amount"]), "basis": fee["basis"]},
        )


class Migration(migrations.Migration):
    dependencies = [("parking_permits", "0005_charges_and_refunds")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
