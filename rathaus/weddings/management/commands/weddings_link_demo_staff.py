"""Link the demo accounts to their venue and registrar (called by create_demo_accounts)."""

from django.core.management.base import BaseCommand

from rathaus.weddings.backoffice.services import demo_staff_link


class Command(BaseCommand):
    help = "Link demo venue operators to their venue and demo registrars to their registrar."

    def handle(self, *args, **options):
        for username, what in demo_staff_link():
            self.stdout.write(f"  {username:<16} -> {what}")
