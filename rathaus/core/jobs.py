"""The platform's scheduled jobs in one loop (`manage.py jobs --forever`, started beside the
server by `make run` and `make serve`). Each domain registers its jobs in its AppConfig.ready
with `job_register`; a job is idempotent and safe to run twice at once, so the loop may run
every minute and on two machines."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

logger = logging.getLogger("rathaus.jobs")

Job = Callable[..., int]

_jobs: dict[str, Job] = {}


def job_register(name: str, job: Job) -> None:
    """`job(now=...)` returns how many things it did; `name` is unique across the platform."""
    if _jobs.get(name, job) is not job:
        raise ValueError(f"a different job is already registered as {name!r}")
    _jobs[name] = job


def jobs_registered() -> list[str]:
    return list(_jobs)


def jobs_run(*, now: datetime | None = None, prefix: str = "") -> dict[str, int]:
    """Run every job (whose name starts with `prefix`) once; one that fails is logged and the
    others still run."""
    now = now or timezone.now()
    result: dict[str, int] = {}
    for name, job in list(_jobs.items()):
        if not name.startswith(prefix):
            continue
        try:
            result[name] = job(now=now)
        except Exception:
            logger.exception("job %s failed", name)
            result[name] = -1
    return result
