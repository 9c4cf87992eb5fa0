from django.core.management.base import BaseCommand

from rathaus.weddings.backoffice.services import reservations_expire
from rathaus.weddings.waitlist.services import waitlist_match


class Command(BaseCommand):
    help = (
        "Expire pending holds and reservations whose marriage-notice deadline passed. "
        "Idempotent; safe to run twice at once."
    )

    def handle(self, *args, **options):
        result = reservations_expire()
        self.stdout.write(f"expired: {result}")
        self.stdout.write(f"waiting list: {waitlist_match()}")  # freed slots go to the list
