from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    CEREMONY_ROOM = "ceremony_room", _("Ceremony room")
    REGISTRAR = "registrar", _("Registrar")
    COUNTER = "counter", _("Citizen-office counter")


class SlotMode(models.TextChoices):
    FIXED = "fixed", _("Fixed start times")
    GRID = "grid", _("Grid of duration and buffer")
    WINDOW = "window", _("Open window (no slots, e.g. a registrar's duty time)")


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RESERVED = "reserved", _("Reserved")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


HOLD_STATUSES = (BookingStatus.PENDING, BookingStatus.RESERVED)
ACTIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.RESERVED, BookingStatus.CONFIRMED)
