"""Every write to venues, registrars and the reservation policy changes the configuration revision (rathaus/core/revision.py)."""

from django.db import migrations

from rathaus.core.revision import triggers_create, triggers_drop

TABLES = ["weddings_venue", "weddings_registrar", "weddings_reservationpolicy"]


def forwards(apps, schema_editor):
    triggers_create(schema_editor, TABLES)


def backwards(apps, schema_editor):
    triggers_drop(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_config_revision"), ("weddings", "0003_policy_release_time")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
