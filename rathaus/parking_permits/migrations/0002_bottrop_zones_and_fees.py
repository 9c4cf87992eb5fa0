"""Bottrop's street excerpt, known zones and fee schedule (`bootstrap.py`, data/*.json)."""

from django.db import migrations

from rathaus.parking_permits.bootstrap import bottrop_parking_load


def forwards(apps, schema_editor):
    bottrop_parking_load(apps)


class Migration(migrations.Migration):
    dependencies = [("parking_permits", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
