"""Bot protection for a public HTML form: ALTCHA proof of work plus rate limits.

Usage (see the reservation form in rathaus/weddings for a complete example):

1. The form class takes the mixin::

       class WaitingListForm(BotProtectionMixin, forms.Form): ...

2. The template puts the widget inside the <form>, before the submit button::

       {% include "protection/_altcha.html" %}

   It renders nothing when RATHAUS_BOT_PROTECTION is off; without JavaScript it shows a
   German <noscript> note instead, and the form still works (under a small per-IP budget).

3. The view calls `protect` after `is_valid()` and before the service that writes::

       if not form.is_valid():
           return render(..., status=422)
       if not form.protect(request, scope="weddings.waiting_list", email=data["email"]):
           return form.protection_response(render(..., status=form.protection_status))

   `protect` counts the per-IP and per-e-mail limits of `scope` (each scope has its own
   budget; limits are in docs/configuration.md), checks and spends the proof of work and, on
   refusal, adds a German non-field error, so the re-rendered form keeps every entry.
   `protection_status` is 429 (rate limit; `protection_response` adds `Retry-After`) or 422
   (proof invalid, expired or used twice).

For a JSON endpoint use `rathaus.protection.api.api_guard`; for a plain read (GET) view,
`rathaus.protection.views.read_limited`. Tests: `rathaus.protection.testing`.
"""

from __future__ import annotations

from rathaus.core.forms import ProtectedFormMixin

# The mixin lives in core so that core's own public form can use it without importing this
# app; it calls the guard this app registers (apps.py: `services.submission_guard`).
BotProtectionMixin = ProtectedFormMixin

__all__ = ["BotProtectionMixin"]
