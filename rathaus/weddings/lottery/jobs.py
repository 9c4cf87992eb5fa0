"""Old import path of the lottery's retention, which is `services/retention.py` now. Kept only
for tests that still import it from here; remove it once they import `lottery.services`."""

from .services.retention import retention_days_after_draw  # noqa: F401
