"""Helpers for the race tests: many threads, each with its own database connection."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection


@dataclass
class Outcome:
    value: object = None
    error: BaseException | None = None

    @property
    def kind(self) -> str:
        return "ok" if self.error is None else type(self.error).__name__


def race(count: int, work: Callable[[int, threading.Barrier], object], *, timeout: float = 60):
    """Run `work(index, barrier)` in `count` threads at once and return their outcomes.

    Each thread gets its own connection (Django's connections are per thread) and closes it at
    the end, so that the test database can be flushed afterwards.
    """
    barrier = threading.Barrier(count, timeout=timeout)
    outcomes = [Outcome() for _ in range(count)]

    def run(index: int) -> None:
        try:
            outcomes[index].value = work(index, barrier)
        except BaseException as error:  # reported to the test through the outcome
            outcomes[index].error = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return outcomes


def tally(outcomes: list[Outcome]) -> Counter:
    return Counter(outcome.kind for outcome in outcomes)
