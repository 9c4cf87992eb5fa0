from django.core.management.base import BaseCommand

from rathaus.weddings.lottery.services import applications_erase_due


class Command(BaseCommand):
    help = (
        "Erase names and contact data of lottery applications 30 days after the draw. "
        "Idempotent; safe to run twice at once."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"erased: {applications_erase_due()}")
