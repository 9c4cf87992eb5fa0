from django.db import models
from django.utils.translation import gettext_lazy as _

REFERENCE_PREFIX = "WL"
REFERENCE_LENGTH = 8
MANAGE = "waitlist-manage"  # status page and withdrawal
CONFIRM = "waitlist-confirm"  # only in the opt-in e-mail

OPTIN_VALID_DAYS = 7  # an unconfirmed wish is erased after this
MAX_LAPSES = 2  # offers left unanswered before a wish ends (each one blocked a date for days)
WISHES_PER_EMAIL = 3  # open wishes per e-mail address
DATES_MAX = 20  # specific dates per wish
RANGE_MAX_MONTHS = 12
RETENTION_DAYS = 30  # after the range has passed or the wish has ended
ORPHAN_CLAIM_MINUTES = 5  # an offer row without reservation this old was interrupted


class WishStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting e-mail confirmation")
    ACTIVE = "active", _("On the waiting list")
    FULFILLED = "fulfilled", _("Date accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ENDED = "ended", _("Ended")


WAITING_STATUSES = (WishStatus.PENDING, WishStatus.ACTIVE)


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Awaiting your answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Not answered in time")


class TimeOfDay(models.TextChoices):
    ANY = "", _("Any time")
    MORNING = "morning", _("Morning (before 12:00)")
    AFTERNOON = "afternoon", _("Afternoon (from 12:00)")
