from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.TextChoices):
    ALT_BOTTROP = "alt-bottrop", "Alt-Bottrop"
    KIRCHHELLEN = "kirchhellen", "Kirchhellen"


class ReservationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting e-mail confirmation")
    RESERVED = "reserved", _("Reserved (provisional)")
    CONFIRMED = "confirmed", _("Confirmed wedding")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class Language(models.TextChoices):
    GERMAN = "de", "Deutsch"
    ENGLISH = "en", "English"


BOOKING_PURPOSE = "wedding"
