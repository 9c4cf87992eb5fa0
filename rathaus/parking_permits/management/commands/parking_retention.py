from django.core.management.base import BaseCommand
from django.utils import timezone

from rathaus.parking_permits.services.retention import retention_run


class Command(BaseCommand):
    help = "Delete decided cases' uploads, withdraw unpaid approvals, erase old personal data."

    def handle(self, *args, **options):
        done = retention_run(now=timezone.now())
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(done.items())) or "nothing")
