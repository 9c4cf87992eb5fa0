"""What the guards raise. Each carries a German (translated) message for the user."""

from __future__ import annotations

import math

from django.utils.translation import gettext, ngettext

from rathaus.core.guards import SubmissionRefused


class Throttled(SubmissionRefused):
    """A rate limit is exhausted; `retry_after` seconds until the window ends (>= 1)."""

    status = 429

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after: int = max(1, int(retry_after))

    @property
    def message(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        if minutes >= 120:
            hours = math.ceil(minutes / 60)
            return ngettext(
                "Too many requests. Please try again in %(count)d hour.",
                "Too many requests. Please try again in %(count)d hours.",
                hours,
            ) % {"count": hours}
        return ngettext(
            "Too many requests. Please try again in %(count)d minute.",
            "Too many requests. Please try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}


class ProofRejected(SubmissionRefused):
    """The ALTCHA proof of work is missing, invalid, expired or was used before."""

    REASONS = ("missing", "invalid", "expired", "replayed")

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        if self.reason == "missing":
            return gettext(
                "The automatic check against bots is missing. Please send the form again."
            )
        return gettext(
            "The automatic check against bots has expired or is not valid. "
            "Please send the form again."
        )

    @property
    def detail(self) -> str:
        """English text for the JSON API."""
        return {
            "missing": "A solved ALTCHA challenge is required (header X-Altcha or field 'altcha').",
            "expired": "The ALTCHA challenge has expired; fetch a new one.",
            "replayed": "This ALTCHA solution has already been used; fetch a new challenge.",
        }.get(self.reason, "The ALTCHA solution is not valid.")
