from django.core.management.base import BaseCommand

from rathaus.weddings.backoffice.services import personal_data_erase


class Command(BaseCommand):
    help = (
        "Erase personal data of reservations whose retention period has ended. "
        "Idempotent; safe to run twice at once."
    )

    def handle(self, *args, **options):
        result = personal_data_erase()
        self.stdout.write(f"erased: {result}")
