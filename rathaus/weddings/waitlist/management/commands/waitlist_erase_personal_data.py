from django.core.management.base import BaseCommand

from rathaus.weddings.waitlist.services import wishes_erase_due


class Command(BaseCommand):
    help = (
        "Delete waiting-list wishes 30 days after their dates passed or they ended, and "
        "unconfirmed ones after the opt-in period. Idempotent; safe to run twice at once."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"erased: {wishes_erase_due()}")
