"""Names and defaults of the waiting room (the per-location values live in `Queue`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_NAMESPACE = "appointments_queue"  # noqa: S105 - a namespace of link tokens, not a secret
TOKEN_PURPOSE = "ticket"  # noqa: S105

RETENTION_DAYS = 30

# Defaults of the per-location rules (Queue); Dorsten lets people check in 15 minutes ahead,
# Essen and Gelsenkirchen tolerate about five minutes of lateness.
CHECKIN_BEFORE_MINUTES = 15
LATE_GRACE_MINUTES = 5
DUE_LEAD_MINUTES = 5
MAX_CALLS = 3
APPOINTMENT_LETTER = "T"
WALK_IN_LETTER = "A"

# Measured durations: a moving median of the most recent samples of a service.
SAMPLE_WINDOW = 50
SAMPLE_DAYS = 30
SAMPLE_MINIMUM = 5
DRIFT_PERCENT = 20


class LatePolicy(models.TextChoices):
    WALK_IN = "walk_in", _("Later arrivals get a ticket without appointment")
    REFUSE = "refuse", _("Later arrivals are refused")


class TicketKind(models.TextChoices):
    APPOINTMENT = "appointment", _("With appointment")
    WALK_IN = "walk_in", _("Without appointment")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("Did not come")


AT_COUNTER = (TicketStatus.CALLED, TicketStatus.SERVING)
IN_QUEUE = (TicketStatus.WAITING, *AT_COUNTER)  # not done, not a no-show: still in the room


class CallKind(models.TextChoices):
    CALL = "call", _("Call")
    RECALL = "recall", _("Call again")


class CounterMode(models.TextChoices):
    CLOSED = "closed", _("Closed")
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
