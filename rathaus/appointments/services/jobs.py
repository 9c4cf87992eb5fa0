"""The citizen office's scheduled jobs: lapse expired holds and unconfirmed bookings, remind,
ask for reconfirmation, lapse the unreconfirmed, erase by the retention rule. They run in the
platform's job loop (`rathaus.core.jobs`, `manage.py jobs`); sub-apps add theirs with
`job_register` in their AppConfig.ready."""

from __future__ import annotations

from rathaus.core.jobs import job_register, jobs_run

from .booking import appointment_lapse_unconfirmed
from .reminders import reconfirm_lapse, reconfirm_requests_send, reminders_send
from .retention import appointments_erase
from .standby import standby_purge

__all__ = ["job_register", "jobs_register", "jobs_run"]


def jobs_register() -> None:
    job_register("lapsed_unconfirmed", appointment_lapse_unconfirmed)
    job_register("reminders", reminders_send)
    job_register("reconfirm_requests", reconfirm_requests_send)
    job_register("lapsed_not_reconfirmed", reconfirm_lapse)
    job_register("erased", appointments_erase)
    job_register("standby_purged", standby_purge)
