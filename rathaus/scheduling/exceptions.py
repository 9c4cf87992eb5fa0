from django.utils.translation import gettext_lazy as _


class SchedulingError(Exception):
    default_message = _("This time cannot be booked.")

    def __init__(self, message: object = None) -> None:
        self.message = message or self.default_message
        super().__init__(str(self.message))


class SlotUnavailable(SchedulingError):
    """Someone else holds the time (taken, or held and not yet expired)."""

    default_message = _("This time has just been taken. Please choose another one.")


class SlotNotOffered(SchedulingError):
    """No slot starts at that time, or the resource is closed then."""

    default_message = _("No appointment is offered at this time.")


class IdentityLimitReached(SchedulingError):
    """The person already has as many active bookings as the limit allows. The domain words
    the message its users see."""

    default_message = _("There are already too many active bookings for this person.")

    def __init__(self, message: str | None = None, *, limit: int = 0, key: str = "") -> None:
        self.limit = limit
        self.key = key  # the key over its own limit (`IdentityLimit.key_limits`), else ""
        super().__init__(message)
