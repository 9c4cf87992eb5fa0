"""The catalogue, locations and counters are configuration: every write changes the revision
that invalidates the per-process cache of the free-time search (rathaus/core/revision.py)."""

from django.db import migrations

from rathaus.core.revision import triggers_migration

TABLES = [
    "appointments_location",
    "appointments_service",
    "appointments_service_locations",
    "appointments_fee",
    "appointments_counter",
    "appointments_counter_services",
]


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial"), ("core", "0002_config_revision")]

    operations = [triggers_migration(TABLES)]
