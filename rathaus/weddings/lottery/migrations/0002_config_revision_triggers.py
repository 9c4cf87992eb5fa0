"""Every write to lotteries changes the configuration revision (rathaus/core/revision.py)."""

from django.db import migrations

from rathaus.core.revision import triggers_create, triggers_drop

TABLES = ["wedding_lottery_lottery"]


def forwards(apps, schema_editor):
    triggers_create(schema_editor, TABLES)


def backwards(apps, schema_editor):
    triggers_drop(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_config_revision"), ("wedding_lottery", "0001_lotteries_applications_results")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
