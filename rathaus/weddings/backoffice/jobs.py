"""Old import path of the scheduled jobs, which are `services/jobs.py` now. Kept only for
tests that still import it from here; remove it once they import `backoffice.services`."""

from .services.jobs import personal_data_erase  # noqa: F401
