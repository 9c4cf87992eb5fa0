from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rathaus.parking_permits.camt import StatementInvalid
from rathaus.parking_permits.services.payments import statement_import


class Command(BaseCommand):
    help = (
        "Import a CAMT.053 statement from a file (as the office page does, without a request's "
        "time limit): match, book and issue; print the entries that were not matched."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            result = statement_import(content=file.read_bytes(), actor=None, now=timezone.now())
        except (OSError, StatementInvalid) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{result.run.matched} of {result.run.rows} entries matched")
        for match in result.unmatched:
            entry = match.entry
            self.stdout.write(
                f"  {entry.booked_on} {entry.amount} {entry.remittance!r}: {match.reason}"
            )
