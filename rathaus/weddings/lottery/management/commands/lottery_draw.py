from django.core.management.base import BaseCommand

from rathaus.weddings.lottery.services import lotteries_draw_due


class Command(BaseCommand):
    help = (
        "Draw every lottery whose application window has closed. Idempotent; safe to run "
        "twice at once; resumes a draw that was interrupted."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"drawn: {lotteries_draw_due()}")
