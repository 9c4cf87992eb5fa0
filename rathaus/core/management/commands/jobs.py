from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from rathaus.core.jobs import jobs_registered, jobs_run

logger = logging.getLogger("rathaus.jobs")


class Command(BaseCommand):
    help = (
        "Every scheduled job of the platform (reminders, lapses, draws, retention and "
        "deletion by schedule, …), each idempotent and safe twice at once. --forever repeats "
        "every --sleep seconds (started by `make run` and `make serve`); --list names them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--forever", action="store_true", help="keep running until stopped")
        parser.add_argument("--sleep", type=float, default=60.0, help="seconds between runs")
        parser.add_argument("--list", action="store_true", help="name the registered jobs")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self.stdout.write("\n".join(jobs_registered()))
            return
        if not options["forever"]:
            self.stdout.write(f"done: {jobs_run()}")
            return
        stop = threading.Event()
        previous = {
            signum: signal.signal(signum, lambda *_: stop.set())
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    result = jobs_run()
                except DatabaseError as error:  # the database is restarting: wait, never die
                    logger.warning("jobs: database unavailable (%s)", type(error).__name__)
                else:
                    if any(result.values()):
                        self.stdout.write(f"done: {result}")
                stop.wait(options["sleep"])
        finally:
            close_old_connections()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
