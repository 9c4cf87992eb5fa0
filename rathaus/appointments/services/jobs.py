"""Every scheduled job of the citizen office in one run (`manage.py appointments_jobs`):
lapse expired holds and unconfirmed bookings, remind, ask for reconfirmation, lapse the
unreconfirmed, erase by the retention rule. Each job is idempotent and safe to run twice at
once, so the whole run is safe every minute. Sub-apps add their jobs with `job_register`
(the pick-up app in its AppConfig.ready)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from .booking import appointment_lapse_unconfirmed
from .reminders import reconfirm_lapse, reconfirm_requests_send, reminders_send
from .retention import appointments_erase
from .standby import standby_purge

logger = logging.getLogger("rathaus.appointments.jobs")

Job = Callable[..., int]

_jobs: dict[str, Job] = {
    "lapsed_unconfirmed": appointment_lapse_unconfirmed,
    "reminders": reminders_send,
    "reconfirm_requests": reconfirm_requests_send,
    "lapsed_not_reconfirmed": reconfirm_lapse,
    "erased": appointments_erase,
    "standby_purged": standby_purge,
}


def job_register(name: str, job: Job) -> None:
    """`job(now=...)` returns how many things it did."""
    _jobs[name] = job


def jobs_run(*, now: datetime | None = None) -> dict[str, int]:
    """Run every job once; one that fails is logged and the others still run."""
    now = now or timezone.now()
    result: dict[str, int] = {}
    for name, job in list(_jobs.items()):
        try:
            result[name] = job(now=now)
        except Exception:
            logger.exception("appointments job %s failed", name)
            result[name] = -1
    return result
