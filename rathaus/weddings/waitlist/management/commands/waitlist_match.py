from django.core.management.base import BaseCommand

from rathaus.weddings.waitlist.services import waitlist_match


class Command(BaseCommand):
    help = (
        "Waiting list: record answers to offers, pass lapsed offers on, end passed wishes and "
        "offer free dates to the wishes in line. Idempotent; safe to run twice at once."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"waiting list: {waitlist_match()}")
