from django.core.management.base import BaseCommand

from rathaus.protection.services import protection_cleanup


class Command(BaseCommand):
    help = (
        "Delete rate-limit windows and spent ALTCHA challenges that have run out. "
        "Idempotent; safe to run at any time."
    )

    def handle(self, *args, **options):
        result = protection_cleanup()
        self.stdout.write(f"deleted: {result}")
