from django.core.management.base import BaseCommand

from rathaus.core.timezone import local_today
from rathaus.weddings.bootstrap import bottrop_data_load


class Command(BaseCommand):
    help = "Load Bottrop's venues, registrars and default rules. Safe to run again."

    def handle(self, *args, **options):
        created = bottrop_data_load(today=local_today())
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(f"Bottrop data loaded (new: {summary}).")
