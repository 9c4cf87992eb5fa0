"""Every write to streets, zones, their segments and the fees changes the configuration
revision (rathaus/core/revision.py), so the pre-check's cached address index stays current."""

from django.db import migrations

from rathaus.core.revision import triggers_migration


class Migration(migrations.Migration):
    dependencies = [("core", "0002_config_revision"), ("parking_permits", "0002_bottrop_zones_and_fees")]
    operations = [
        triggers_migration(
            [
                "parking_permits_street",
                "parking_permits_zone",
                "parking_permits_zonesegment",
                "parking_permits_feerule",
            ]
        )
    ]
