from django.core.management.base import BaseCommand, CommandError

from rathaus.weddings.lottery.replay import lottery_replay
from rathaus.weddings.lottery.selectors import day_parse, lottery_for_day


class Command(BaseCommand):
    help = (
        "Recompute the draw of one date from its published seed, the stored applications and "
        "the snapshot of free slots; exit code 1 when it does not match the stored result."
    )

    def add_arguments(self, parser):
        parser.add_argument("day", help="the wedding date, YYYY-MM-DD")

    def handle(self, *args, day, **options):
        parsed = day_parse(day)
        lottery = lottery_for_day(parsed) if parsed else None
        if lottery is None:
            raise CommandError(f"no lottery on {day}")
        replay = lottery_replay(lottery)
        if replay.allocation is not None:
            for position, reference in enumerate(replay.allocation.order, start=1):
                slot = replay.allocation.allocated[reference] or "-"
                self.stdout.write(f"{position:>4}  {reference}  {slot}")
        for note in replay.notes:
            self.stdout.write(f"note: {note}")
        if not replay.matches:
            for problem in replay.problems:
                self.stderr.write(f"mismatch: {problem}")
            raise CommandError(f"MISMATCH: the stored result of {day} is not reproduced")
        self.stdout.write(f"MATCH: the stored result of {day} is reproduced from the seed")
