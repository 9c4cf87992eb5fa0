"""Old import path of the calendar-feed writes, which are `services/feeds.py` now. Kept only
for tests that still import it from here; remove it once they import `backoffice.services`."""

from .services.feeds import feed_token_create  # noqa: F401
