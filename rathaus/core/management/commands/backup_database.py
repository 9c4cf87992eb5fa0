from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.core.backup import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = (
        "Back up the database while the site runs: SQLite through the online backup API plus "
        "an integrity check of the copy, PostgreSQL with pg_dump --format=custom. Prints the "
        "file. --keep-days deletes older backups of the same directory (the newest stays). "
        "See docs/runbooks/backup-restore.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "backups",
            help="where the backup goes (default: var/backups)",
        )
        parser.add_argument(
            "--keep-days", type=int, default=None, help="delete backups older than this"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            path = backup_create(directory=options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        seconds = time.monotonic() - started
        size = path.stat().st_size
        self.stdout.write(f"backup: {path} ({size} bytes, {seconds:.1f} s)")
        if options["keep_days"] is not None:
            removed = backups_prune(directory=options["directory"], keep_days=options["keep_days"])
            self.stdout.write(f"removed {len(removed)} older backup(s)")
