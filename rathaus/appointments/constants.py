"""Names the appointments app shares between its modules."""

from django.db import models
from django.utils.translation import gettext_lazy as _

KIND_COUNTER = "citizen_counter"
PURPOSE = "citizen-appointment"
TOKEN_NAMESPACE = "appointments"  # noqa: S105 - a namespace of link tokens, not a secret
REFERENCE_PREFIX = "BB"
REFERENCE_LENGTH = 6

# Choosing a time holds it while the citizen types; the e-mail link must then be followed
# within CONFIRM_WITHIN, or the hold lapses.
HOLD_MINUTES = 10
CONFIRM_HOURS = 2
# Booked more than RECONFIRM_AFTER_DAYS ahead: reconfirm RECONFIRM_DAYS_BEFORE the day.
RECONFIRM_AFTER_DAYS = 14
RECONFIRM_DAYS_BEFORE = 7
REMINDER_HOURS = 24
STEP_MINUTES = 5  # the slot grid of every counter
MAX_RANGE_DAYS = 92
MAX_PERSONS = 6
RETENTION_DAYS = 30


class AppointmentStatus(models.TextChoices):
    HELD = "held", _("Held (details not yet given)")
    PENDING = "pending", _("Awaiting e-mail confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    LAPSED = "lapsed", _("Lapsed")
    NO_SHOW = "no_show", _("Did not come")
    DONE = "done", _("Done")


ACTIVE_STATUSES = (AppointmentStatus.HELD, AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("At the counter")
    SAME_DAY = "same_day", _("Same-day draw")
    STANDBY = "standby", _("Standby list")


class LocationKind(models.TextChoices):
    CITIZEN_OFFICE = "citizen_office", _("Citizen office")
    HOUSING_BENEFIT = "housing_benefit", _("Housing-benefit office")
    REGISTRY_OFFICE = "registry_office", _("Registry office")
