import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rathaus.appointments.sameday.pure_draw import document_verify


class Command(BaseCommand):
    help = (
        "Verify a downloaded same-day result (ergebnis.json) from the document alone: the seed "
        "against the commitment (and the one you received before the window opened), the "
        "order, the urgent quota, where refusals happened, and every allocated time. Exit "
        "code 1 on any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the downloaded ergebnis.json, or - for standard input")
        parser.add_argument(
            "--commitment",
            help="the commitment (SHA-256 of the seed) from the page, received before the draw",
        )

    def handle(self, *args, file, commitment=None, **options):
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
            document = json.loads(text)
            problems = document_verify(document, commitment=commitment)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"not a readable result document: {error}") from None
        if problems:
            for problem in problems:
                self.stderr.write(f"problem: {problem}")
            raise CommandError(f"NOT VERIFIED: {len(problems)} problem(s)")
        won = sum(1 for placement in document["allocation"].values() if placement)
        self.stdout.write(
            f"VERIFIED: {document['location']} {document['day']}, {len(document['order'])} "
            f"requests, {won} appointments, {len(document['refused'])} refused by the limits"
            + ("" if commitment else "; pass --commitment to compare with the hash you received")
        )
