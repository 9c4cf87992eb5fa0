"""Every write to lotteries changes the configuration revision
(rathaus/core/revision.py)."""

from django.db import migrations

from rathaus.core.revision import triggers_migration


class Migration(migrations.Migration):
    dependencies = [("core", "0002_config_revision"), ("wedding_lottery", "0001_lotteries_applications_results")]
    operations = [
        triggers_migration(
            [
                "wedding_lottery_lottery",
            ]
        )
    ]
