from django.core.management.base import BaseCommand

from rathaus.appointments.bootstrap import citizen_office_load
from rathaus.core.timezone import local_today


class Command(BaseCommand):
    help = "Load the citizen office's catalogue, locations, counters and hours. Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        created = citizen_office_load(today=local_today())
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(f"Citizen-office data loaded (new: {summary}).")
