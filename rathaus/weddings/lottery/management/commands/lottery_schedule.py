from django.core.management.base import BaseCommand

from rathaus.weddings.lottery.services import lottery_schedule


class Command(BaseCommand):
    help = (
        "Create the lotteries (and publish the seed commitments) of Schnapszahl dates whose "
        "application window opens soon. Idempotent; safe to run twice at once."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"created: {lottery_schedule()}")
