"""Audit sentences of the pick-up sub-app (never with a name or address)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rathaus.audit.registry import event_register

event_register("pickup.ready", _("Document {reference} was marked ready for pick-up."))
event_register("pickup.booked", _("Pick-up {reference}: a pick-up time was booked."))
event_register("pickup.postal", _("Pick-up {reference}: postal delivery was requested."))
event_register("pickup.picked_up", _("Document {reference} was picked up."))
event_register("pickup.posted", _("Document {reference} was posted."))
event_register("pickup.erased", _("Personal data of pick-up {reference} was erased."))
