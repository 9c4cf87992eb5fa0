from django.core.management.base import BaseCommand

from rathaus.appointments.sameday.services.draw_run import draws_run_due


class Command(BaseCommand):
    help = (
        "Same-day draws: create today's and tomorrow's draws (publishing their commitments), "
        "draw every draw whose request window has closed, mail what is unsent. Idempotent; "
        "run every minute."
    )

    def handle(self, *args, **options):
        drawn = draws_run_due()
        self.stdout.write(f"same-day draws drawn: {drawn}")
