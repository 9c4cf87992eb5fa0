from django.db import models
from django.utils.translation import gettext_lazy as _


class SlotMode(models.TextChoices):
    FIXED = "fixed", _("Fixed start times")
    GRID = "grid", _("Grid of duration and buffer")
    WINDOW = "window", _("Open window (no slots, e.g. a registrar's duty time)")


class BookingStatus(models.TextChoices):
    """What the core knows about a booking. What a hold *means* (awaiting an e-mail
    confirmation, provisional until a deadline) is the domain's: a hold with its `expires_at`."""

    HOLD = "hold", _("Held")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    NO_SHOW = "no_show", _("No-show")
    DONE = "done", _("Done")


HOLD_STATUSES = (BookingStatus.HOLD,)
ACTIVE_STATUSES = (BookingStatus.HOLD, BookingStatus.CONFIRMED)
