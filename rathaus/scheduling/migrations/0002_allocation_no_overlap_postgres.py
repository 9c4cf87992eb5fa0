"""The no-overlap guarantee on PostgreSQL: an exclusion constraint over resource and time range.

SQLite has no such constraint; there the booking service's IMMEDIATE transaction serialises
check-and-insert instead (docs/decisions/0002-no-overlap-guarantee.md).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_allocation ADD CONSTRAINT alloc_no_overlap
    EXCLUDE USING gist (resource_id WITH =, tstzrange(start, "end", '[)') WITH &&)
    WHERE (active);
"""
DROP = "ALTER TABLE scheduling_allocation DROP CONSTRAINT IF EXISTS alloc_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_resources_rules_bookings")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
