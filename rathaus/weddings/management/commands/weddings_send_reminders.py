from django.core.management.base import BaseCommand

from rathaus.weddings.backoffice.services import reminders_send


class Command(BaseCommand):
    help = (
        "Send due reminders (marriage notice in 7 days and tomorrow, wedding in 7 days), "
        "each once. "
        "Idempotent; safe to run twice at once."
    )

    def handle(self, *args, **options):
        result = reminders_send()
        self.stdout.write(f"sent: {result}")
