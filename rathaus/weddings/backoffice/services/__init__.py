"""The writes of the back office. Each records its audit entry in the same transaction as the
change: reservations (`reservations`), the registry-office settings (`settings`), calendar
feeds (`feeds`), a venue's calendar import (`calendar_import`), the scheduled jobs
(`jobs`) and the demo accounts' links (`demo`). Rules, closures and openings are the
scheduling core's (`scheduling.services`)."""

from .calendar_import import (
    venue_calendar_import,
    venue_calendar_source_import,
    venue_calendar_source_set,
)
from .demo import demo_staff_link
from .feeds import feed_token_create, feed_token_revoke, feed_token_use
from .jobs import (
    personal_data_erase,
    reminders_send,
    reservation_personal_data_erase,
    reservations_expire,
    venue_calendars_import,
)
from .reservations import (
    REFUSALS,
    BackofficeError,
    reservation_cancel_by_office,
    reservation_confirm,
    reservation_move,
    reservation_registrar_assign,
    reservation_venue_decide,
    reservation_venue_decline_undo,
)
from .settings import reservation_policy_update, venue_update

__all__ = [
    "REFUSALS",
    "BackofficeError",
    "demo_staff_link",
    "feed_token_create",
    "feed_token_revoke",
    "feed_token_use",
    "personal_data_erase",
    "reminders_send",
    "reservation_cancel_by_office",
    "reservation_confirm",
    "reservation_move",
    "reservation_personal_data_erase",
    "reservation_policy_update",
    "reservation_registrar_assign",
    "reservation_venue_decide",
    "reservation_venue_decline_undo",
    "reservations_expire",
    "venue_calendar_import",
    "venue_calendar_source_import",
    "venue_calendar_source_set",
    "venue_calendars_import",
    "venue_update",
]
