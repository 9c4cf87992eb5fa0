from __future__ import annotations

import logging
import signal
import threading
import time
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from rathaus.core.idempotency import idempotency_records_purge
from rathaus.core.outbox import outbox_purge, outbox_send, outbox_send_all

logger = logging.getLogger(__name__)

PURGE_EVERY = 600  # seconds, in --forever mode


class Command(BaseCommand):
    help = (
        "Send the due e-mails of the outbox (retrying failed ones with backoff), then delete "
        "sent e-mails and expired idempotency keys past their retention. One run by default "
        "(cron); --forever keeps running (systemd). Safe to run several at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--forever", action="store_true", help="keep running until stopped")
        parser.add_argument(
            "--sleep", type=float, default=5.0, help="seconds to wait when nothing is due"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["forever"]:
            self._report(outbox_send_all(), *self._purge())
            return
        stop = threading.Event()
        previous = {
            signum: signal.signal(signum, lambda *_: stop.set())
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            self._loop(stop, options["sleep"])
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _loop(self, stop: threading.Event, sleep: float) -> None:
        """Until SIGTERM/SIGINT: send a batch; sleep when nothing was due; purge now and then."""
        last_purge = 0.0
        while not stop.is_set():
            close_old_connections()
            try:
                result = outbox_send()
                if time.monotonic() - last_purge >= PURGE_EVERY:
                    self._purge()
                    last_purge = time.monotonic()
            except DatabaseError as error:  # the database is restarting: wait, never die
                logger.warning("outbox: database unavailable (%s)", type(error).__name__)
                close_old_connections()
                stop.wait(sleep)
                continue
            if result:
                self._report(result)
            else:
                stop.wait(sleep)
        close_old_connections()

    def _purge(self) -> tuple[int, int]:
        return outbox_purge(), idempotency_records_purge()

    def _report(
        self,
        result: Counter[str],
        purged_mails: int | None = None,
        purged_keys: int | None = None,
    ) -> None:
        line = f"e-mails: {dict(result)}"
        if purged_mails is not None:
            line += f"; deleted: {purged_mails} old e-mails, {purged_keys} expired keys"
        self.stdout.write(line)
