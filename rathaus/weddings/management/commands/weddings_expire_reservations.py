from django.core.management.base import BaseCommand

from rathaus.weddings.backoffice.jobs import reservations_expire


class Command(BaseCommand):
    help = (
        "Expire pending holds and reservations whose marriage-notice deadline passed. "
        "Idempotent; safe to run twice at once."
    )

    def handle(self, *args, **options):
        result = reservations_expire()
        self.stdout.write(f"expired: {result}")
