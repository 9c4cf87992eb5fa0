from django.core.management.base import BaseCommand

from rathaus.weddings.backoffice.services import venue_calendars_import


class Command(BaseCommand):
    help = (
        "Import the event calendars (ICS addresses) of the venues as blocks. "
        "Idempotent; safe to run twice at once."
    )

    def handle(self, *args, **options):
        result = venue_calendars_import()
        self.stdout.write(f"result: {result}")
