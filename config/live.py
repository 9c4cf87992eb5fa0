"""The live server's entry point: `uvicorn config.live:application` (Server-Sent Events).

Django is set up for its settings and ORM only; requests never pass Django's handlers.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup()

from rathaus.core.live.asgi import application  # noqa: E402

__all__ = ["application"]
