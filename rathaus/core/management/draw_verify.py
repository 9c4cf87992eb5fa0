"""The shared body of the commands that verify a published draw document from the document
alone (`lottery_verify`, `sameday_verify`): read the file (or standard input), verify, report
every problem and exit 1 on any."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class DrawVerifyCommand(BaseCommand):
    commitment_help = "the commitment (SHA-256 of the seed), received before the draw"

    def verify(self, document: dict[str, Any], commitment: str | None) -> list[str]:
        raise NotImplementedError

    def summary(self, document: dict[str, Any]) -> str:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the downloaded ergebnis.json, or - for standard input")
        parser.add_argument("--commitment", help=self.commitment_help)

    def handle(self, *args: Any, file: str, commitment: str | None = None, **options: Any) -> None:
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
            document = json.loads(text)
            problems = self.verify(document, commitment)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"not a readable result document: {error}") from None
        if problems:
            for problem in problems:
                self.stderr.write(f"problem: {problem}")
            raise CommandError(f"NOT VERIFIED: {len(problems)} problem(s)")
        self.stdout.write(
            f"VERIFIED: {self.summary(document)}"
            + ("" if commitment else "; pass --commitment to compare with the hash you received")
        )
