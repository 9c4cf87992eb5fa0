from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_PREFERENCES = 5
REFERENCE_PREFIX = "TV"


class LotterySource(models.TextChoices):
    AUTO = "auto", _("Automatic (Schnapszahl date)")
    STAFF = "staff", _("Marked by the registry office")


class LotteryState(models.TextChoices):
    UPCOMING = "upcoming", _("Applications open soon")
    OPEN = "open", _("Applications open")
    CLOSED = "closed", _("Applications closed, draw pending")
    DRAWN = "drawn", _("Drawn")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting e-mail confirmation")
    ENTERED = "entered", _("Takes part in the draw")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    UNCONFIRMED = "unconfirmed", _("Not confirmed in time")
    DUPLICATE = "duplicate", _("Duplicate application (counted once)")
    WON = "won", _("Drawn: date reserved")
    LOST = "lost", _("Not drawn")
