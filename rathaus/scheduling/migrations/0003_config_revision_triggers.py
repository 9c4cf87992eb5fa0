"""Every write to resources, weekly rules, extra openings and closures changes the
configuration revision (rathaus/core/revision.py)."""

from django.db import migrations

from rathaus.core.revision import triggers_migration


class Migration(migrations.Migration):
    dependencies = [("core", "0002_config_revision"), ("scheduling", "0002_allocation_no_overlap_postgres")]
    operations = [
        triggers_migration(
            [
                "scheduling_resource",
                "scheduling_weeklyrule",
                "scheduling_extraopening",
                "scheduling_closure",
            ]
        )
    ]
