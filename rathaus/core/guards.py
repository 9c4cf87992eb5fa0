"""The bot protection of public forms, as core sees it: a port the protection app plugs into.

Core is the bottom layer and imports no app, yet the accessibility statement's feedback form
is a public form like any other and needs the same protection. So core declares what it
needs here and `rathaus.protection` registers its guard when Django is ready
(`ProtectionConfig.ready`). Without a registered guard a protected form refuses every
submission: unprotected is never the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


class SubmissionRefused(Exception):
    """A guard let a submission not through. `message` is for the user (translated);
    `status` is the HTTP answer (429 for a rate limit, 422 otherwise); `retry_after` the
    seconds until the next try, when known."""

    status: int = 422
    retry_after: int | None = None

    @property
    def message(self) -> str:
        raise NotImplementedError


class SubmissionGuard(Protocol):
    def __call__(
        self, request: HttpRequest, *, scope: str, email: str | None, noscript_fallback: bool
    ) -> None:
        """Let the submission through or raise SubmissionRefused."""


@dataclass(frozen=True)
class _Registered:
    guard: SubmissionGuard
    widget_template: str


_registered: _Registered | None = None


def submission_guard_register(guard: SubmissionGuard, *, widget_template: str) -> None:
    """For the protection app: `guard` checks every submission of a protected form,
    `widget_template` is included inside the form (the proof-of-work widget)."""
    global _registered
    _registered = _Registered(guard=guard, widget_template=widget_template)


def _current() -> _Registered:
    if _registered is None:
        raise ImproperlyConfigured(
            "No submission guard is registered: add rathaus.protection to INSTALLED_APPS."
        )
    return _registered


def submission_check(request: HttpRequest, *, scope: str, email: str | None) -> None:
    """Raise SubmissionRefused unless this submission of an HTML form may go on."""
    _current().guard(request, scope=scope, email=email, noscript_fallback=True)


def widget_template() -> str:
    return _current().widget_template
