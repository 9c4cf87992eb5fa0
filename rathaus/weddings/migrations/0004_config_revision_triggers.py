"""Every write to venues, registrars and the reservation policy changes the configuration
revision (rathaus/core/revision.py)."""

from django.db import migrations

from rathaus.core.revision import triggers_migration


class Migration(migrations.Migration):
    dependencies = [("core", "0002_config_revision"), ("weddings", "0003_policy_release_time")]
    operations = [
        triggers_migration(
            [
                "weddings_venue",
                "weddings_registrar",
                "weddings_reservationpolicy",
            ]
        )
    ]
