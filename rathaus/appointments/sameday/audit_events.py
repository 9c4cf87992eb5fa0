"""Audit sentences of the same-day draw: one entry per draw (counts only, no personal data)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rathaus.audit.registry import event_register

event_register(
    "appointments_sameday.drawn",
    _(
        "Same-day draw {day} at {location}: {requests} requests, {won} appointments, "
        "{refused} refused by the limits, {duplicates} duplicates."
    ),
)
