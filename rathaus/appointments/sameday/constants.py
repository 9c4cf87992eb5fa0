"""Names the same-day draw shares between its modules."""

from django.db import models
from django.utils.translation import gettext_lazy as _

REFERENCE_PREFIX = "SD"
REFERENCE_LENGTH = 8
FORMAT = "rathaus-same-day-draw/1"
# A run that has not finished after this long is taken over by the next one.
LEASE_MINUTES = 10


class Reason(models.TextChoices):
    LOST_DOCUMENT = "lost_document", _("Identity document lost or stolen")
    TRAVEL = "travel", _("Travel within the next 7 days")
    REGISTRATION_DEADLINE = "registration_deadline", _("Registration deadline (2 weeks) runs out")
    OTHER = "other", _("Other reason")


REASONS = frozenset(Reason.values)  # `Reason.values` builds a new list on every use
URGENT_REASONS = frozenset({Reason.LOST_DOCUMENT, Reason.TRAVEL, Reason.REGISTRATION_DEADLINE})


class RequestStatus(models.TextChoices):
    ENTERED = "entered", _("Entered")
    WON = "won", _("Appointment allocated")
    LOST = "lost", _("Not drawn")
    REFUSED = "refused", _("Refused (limit of active appointments)")
    DUPLICATE = "duplicate", _("Duplicate (a person asked twice)")
