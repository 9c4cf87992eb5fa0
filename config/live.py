"""The live server's entry point: `uvicorn config.live:application` (Server-Sent Events).

Django is set up for its settings and ORM only; requests never pass Django's handlers.
"""

import gc
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup()

# The database threads (new events and the place table they carry, catch-up reads) give up the
# GIL at every round trip and wait for it again behind the event loop, which is busy writing to
# a thousand streams: with Python's default of 5 ms per hand-over a read of twenty statements
# waited up to half a second. At 1 ms the hand-over costs the loop little and the read keeps
# pace (docs/benchmarks.md, "Issue 15").
sys.setswitchinterval(0.001)

from django.urls import get_resolver  # noqa: E402

from rathaus.core.live.asgi import application  # noqa: E402

# The events of a waiting room carry addresses of the display's announcements: the URL
# configuration is loaded now, not by the first event (half a second late).
get_resolver().reverse_dict  # noqa: B018

# Django's settings, models, URL patterns and catalogues live as long as the process: out of
# the collector's sight they no longer make every full collection, which stops the event loop
# and every stream with it, take about a tenth of a second (docs/benchmarks.md, "Issue 15").
gc.freeze()

__all__ = ["application"]
