from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from rathaus.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup of backup_database into a NEW database: SQLite into a new file "
        "(--target path), PostgreSQL into a new database (--target name) with pg_restore. The "
        "live database is never touched; point DATABASE_URL at the target to switch over. "
        "See docs/runbooks/backup-restore.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="the backup file")
        parser.add_argument(
            "--target", required=True, help="new SQLite file or new PostgreSQL database name"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            backup_restore(source=options["source"], target=options["target"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        seconds = time.monotonic() - started
        self.stdout.write(
            f"restored {options['source']} into {options['target']} "
            f"({connection.vendor}, {seconds:.1f} s)"
        )
