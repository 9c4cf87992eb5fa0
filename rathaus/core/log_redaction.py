"""Secret URL segments never reach the log.

Management links, confirmation links and calendar feeds carry their secret in the path
(`/reservierung/<reference>/<token>/stornieren/`). Django logs paths on its own: a CSRF
failure (`django.security.csrf`), a 404 or 500 (`django.request`), every request under
`runserver` (`django.server`). The filter below replaces each path segment that looks like a
token – at least 16 URL-safe characters with a digit or both upper and lower case, which no
slug, date or reference of ours has – by `[redacted]`. It is attached to those loggers and to
the console handler in `LOGGING` (config/settings/base.py).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_\-]{16,}(?=[/?#.\s\"']|$)")


def _secret(segment: str) -> bool:
    has_digit = any(c.isdigit() for c in segment)
    mixed_case = any(c.isupper() for c in segment) and any(c.islower() for c in segment)
    return has_digit or mixed_case


def redact_paths(text: str) -> str:
    return _SEGMENT.sub(lambda m: REDACTED if _secret(m.group()) else m.group(), text)


class RedactTokenPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logging's business, not ours
            return True
        redacted = redact_paths(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
