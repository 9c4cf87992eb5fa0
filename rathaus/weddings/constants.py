from django.db import models
from django.utils.translation import gettext_lazy as _

# The kinds of resource the Traukalender books (registered in apps.py).
KIND_CEREMONY_ROOM = "ceremony_room"
KIND_REGISTRAR = "registrar"


class District(models.TextChoices):
    ALT_BOTTROP = "alt-bottrop", "Alt-Bottrop"
    KIRCHHELLEN = "kirchhellen", "Kirchhellen"


class ReservationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting e-mail confirmation")
    RESERVED = "reserved", _("Reserved (provisional)")
    CONFIRMED = "confirmed", _("Confirmed wedding")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


# The reservation statuses in which a wedding still holds its slot (one definition).
ACTIVE_RESERVATION_STATUSES = (
    ReservationStatus.PENDING,
    ReservationStatus.RESERVED,
    ReservationStatus.CONFIRMED,
)


class Language(models.TextChoices):
    GERMAN = "de", "Deutsch"
    ENGLISH = "en", "English"


BOOKING_PURPOSE = "wedding"
