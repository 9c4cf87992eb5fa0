"""Writes of the waiting room. The order of the queue is documented in `..rules`."""

from .base import QueueRefused, live_channel, queue_get
from .calls import call_again, call_next, finish, flag_urgent, move, not_present, start
from .checkin import checkin, checkin_by_person, checkin_by_reference
from .counters import counter_close, counter_open, kiosks_revoke, pause, resume
from .durations import duration_adopt
from .retention import queue_erase
from .tickets import ticket_issue, ticket_token, ticket_token_valid, walk_in_services

__all__ = [
    "QueueRefused",
    "call_again",
    "call_next",
    "checkin",
    "checkin_by_person",
    "checkin_by_reference",
    "counter_close",
    "counter_open",
    "duration_adopt",
    "finish",
    "flag_urgent",
    "kiosks_revoke",
    "live_channel",
    "move",
    "not_present",
    "pause",
    "queue_erase",
    "queue_get",
    "resume",
    "start",
    "ticket_issue",
    "ticket_token",
    "ticket_token_valid",
    "walk_in_services",
]
