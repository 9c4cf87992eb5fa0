"""The weddings app's audit events: reservations, venues, the reservation policy, calendar
feeds and imports, waiting-list offers — one function each, and the sentence staff read
(registered with `rathaus.audit.registry`).

The back office records availability edits (closures, weekly rules, extra openings) and the
generic before/after helpers through this module as well, so its callers import one module;
those events belong to `rathaus.scheduling.audit_events`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from rathaus.audit.models import AuditEntry
from rathaus.audit.registry import event_register
from rathaus.audit.services import audit_record, changes, personal_data_scrub, snapshot
from rathaus.scheduling.audit_events import (
    closure_created,
    closure_deleted,
    extra_opening_created,
    extra_opening_deleted,
    weekly_rule_created,
    weekly_rule_deleted,
    weekly_rule_updated,
)

__all__ = [  # the re-exported names callers use as `audit.<name>`
    "changes",
    "closure_created",
    "closure_deleted",
    "extra_opening_created",
    "extra_opening_deleted",
    "personal_data_scrub",
    "snapshot",
    "weekly_rule_created",
    "weekly_rule_deleted",
    "weekly_rule_updated",
]

REMINDER_KINDS = {
    "notice_7": _("marriage notice due in 7 days"),
    "notice_1": _("marriage notice due tomorrow"),
    "ceremony_7": _("wedding in 7 days"),
}


def _reminder_kind(data: dict[str, Any], shown: dict[str, Any]) -> dict[str, str]:
    return {"kind": str(REMINDER_KINDS.get(data.get("kind") or "", shown.get("kind", "")))}


event_register(
    "weddings.reservation.confirmed",
    _(
        "%(actor)s recorded the marriage notice filed on %(notice_filed_on)s and confirmed "
        "the wedding."
    ),
)
event_register(
    "weddings.reservation.cancelled",
    _("%(actor)s cancelled the reservation. Reason: %(reason)s"),
)
event_register("weddings.reservation.moved", _("%(actor)s moved the wedding."))
event_register(
    "weddings.reservation.requested",
    _("The couple reserved the date online; it is held until they confirm their e-mail address."),
)
event_register(
    "weddings.reservation.email_confirmed",
    _("The couple confirmed their e-mail address; the date is reserved provisionally."),
)
event_register(
    "weddings.reservation.cancelled_by_couple",
    _("The couple cancelled the reservation online."),
)
event_register("weddings.reservation.registrar_assigned", _("%(actor)s assigned the registrar."))
event_register(
    "weddings.reservation.venue_agreed",
    _("%(actor)s agreed to the wedding on behalf of the venue."),
)
event_register(
    "weddings.reservation.venue_declined",
    _("%(actor)s declined the wedding on behalf of the venue."),
)
event_register(
    "weddings.reservation.venue_declined_for_reason",
    _("%(actor)s declined the wedding on behalf of the venue. Reason: %(reason)s"),
)
event_register(
    "weddings.reservation.venue_decline_undone",
    _("%(actor)s undid the venue's refusal; the venue's agreement is outstanding again."),
)
event_register(
    "weddings.reservation.notice_recorded",
    _(
        "%(actor)s recorded the marriage notice filed on %(notice_filed_on)s; the wedding is "
        "confirmed once the venue agrees."
    ),
)
event_register("weddings.reservation.expired", _("%(actor)s marked the reservation as expired."))
event_register(
    "weddings.reservation.reminder_sent",
    _("%(actor)s sent the reminder: %(kind)s."),
    values=_reminder_kind,
)
event_register(
    "weddings.reservation.personal_data_erased",
    _("%(actor)s erased the personal data because the retention period ended."),
)
event_register(
    "weddings.reservation.cancelled_on_request",
    _(
        "%(actor)s cancelled the reservation because the couple asked for the erasure of "
        "their personal data."
    ),
)
event_register(
    "weddings.reservation.personal_data_erased_on_request",
    _("%(actor)s erased the personal data at the couple's request (Art. 17 GDPR)."),
)
event_register(
    "weddings.waitlist.offer_made",
    _(
        "The date was offered to a couple from the waiting list; it is held for %(hours)s hours "
        "until they accept."
    ),
)
event_register(
    "weddings.waitlist.offer_declined",
    _("The couple declined the offer from the waiting list."),
)
event_register("weddings.venue.updated", _("%(actor)s changed the venue's details."))
event_register("weddings.policy.updated", _("%(actor)s changed the reservation rules."))
event_register(
    "weddings.feed.created",
    _("%(actor)s created a new calendar feed address; earlier addresses no longer work."),
)
event_register("weddings.feed.revoked", _("%(actor)s revoked the calendar feed address."))
event_register(
    "weddings.venue_calendar.imported",
    _(
        "%(actor)s imported the venue's calendar: %(created)s new, %(updated)s changed and "
        "%(removed)s removed blocks, %(conflicts)s events overlapping a wedding."
    ),
)
event_register(
    "weddings.venue_calendar.source_set",
    _("%(actor)s changed the address of the venue's calendar."),
)


# --- Reservations ----------------------------------------------------------------------------
# `changes` is `changes(snapshot(before), snapshot(after))`: the fields that changed.


def reservation_confirmed(
    *, actor: Any, reservation: Model, notice_filed_on: date, changes: list[dict[str, Any]]
) -> AuditEntry:
    return audit_record(
        code="weddings.reservation.confirmed",
        obj=reservation,
        actor=actor,
        notice_filed_on=notice_filed_on,
        changes=changes,
    )


def reservation_cancelled(
    *, actor: Any, reservation: Model, reason: str, changes: list[dict[str, Any]]
) -> AuditEntry:
    return audit_record(
        code="weddings.reservation.cancelled",
        obj=reservation,
        actor=actor,
        reason=reason,
        changes=changes,
    )


def reservation_requested_by_couple(*, reservation: Model) -> AuditEntry:
    return audit_record(code="weddings.reservation.requested", obj=reservation)


def reservation_email_confirmed_by_couple(*, reservation: Model) -> AuditEntry:
    return audit_record(code="weddings.reservation.email_confirmed", obj=reservation)


def reservation_cancelled_by_couple(*, reservation: Model) -> AuditEntry:
    return audit_record(code="weddings.reservation.cancelled_by_couple", obj=reservation)


def reservation_moved(
    *, actor: Any, reservation: Model, changes: list[dict[str, Any]]
) -> AuditEntry:
    return audit_record(
        code="weddings.reservation.moved", obj=reservation, actor=actor, changes=changes
    )


def reservation_registrar_assigned(
    *, actor: Any, reservation: Model, changes: list[dict[str, Any]]
) -> AuditEntry:
    return audit_record(
        code="weddings.reservation.registrar_assigned",
        obj=reservation,
        actor=actor,
        changes=changes,
    )


def reservation_venue_agreed(
    *, actor: Any, reservation: Model, agreed: bool, reason: str = ""
) -> AuditEntry:
    if agreed:
        return audit_record(code="weddings.reservation.venue_agreed", obj=reservation, actor=actor)
    if reason:
        return audit_record(
            code="weddings.reservation.venue_declined_for_reason",
            obj=reservation,
            actor=actor,
            reason=reason,
        )
    return audit_record(code="weddings.reservation.venue_declined", obj=reservation, actor=actor)


def reservation_venue_decline_undone(*, actor: Any, reservation: Model) -> AuditEntry:
    return audit_record(
        code="weddings.reservation.venue_decline_undone", obj=reservation, actor=actor
    )


def reservation_notice_recorded(
    *, actor: Any, reservation: Model, notice_filed_on: date, changes: list[dict[str, Any]]
) -> AuditEntry:
    """The marriage notice is filed while the venue's agreement is still outstanding."""
    return audit_record(
        code="weddings.reservation.notice_recorded",
        obj=reservation,
        actor=actor,
        notice_filed_on=notice_filed_on,
        changes=changes,
    )


def reservation_expired(*, reservation: Model, changes: list[dict[str, Any]]) -> AuditEntry:
    return audit_record(code="weddings.reservation.expired", obj=reservation, changes=changes)


def reservation_reminder_sent(*, reservation: Model, kind: str) -> AuditEntry:
    return audit_record(code="weddings.reservation.reminder_sent", obj=reservation, kind=kind)


def reservation_personal_data_erased(*, reservation: Model) -> AuditEntry:
    return audit_record(code="weddings.reservation.personal_data_erased", obj=reservation)


def waitlist_offer_made(*, reservation: Model, hours: int) -> AuditEntry:
    """The reservation is an offer to a couple from the waiting list, held for `hours`."""
    return audit_record(code="weddings.waitlist.offer_made", obj=reservation, hours=hours)


def waitlist_offer_declined(*, reservation: Model) -> AuditEntry:
    return audit_record(code="weddings.waitlist.offer_declined", obj=reservation)


def reservation_cancelled_on_request(
    *, actor: Any, reservation: Model, changes: list[dict[str, Any]]
) -> AuditEntry:
    """Cancelled because the couple asked for the erasure of their data (Art. 17 DSGVO)."""
    return audit_record(
        code="weddings.reservation.cancelled_on_request",
        obj=reservation,
        actor=actor,
        changes=changes,
    )


def reservation_personal_data_erased_on_request(*, actor: Any, reservation: Model) -> AuditEntry:
    return audit_record(
        code="weddings.reservation.personal_data_erased_on_request", obj=reservation, actor=actor
    )


# --- Venues, the policy, calendar feeds and imports -------------------------------------------


def venue_updated(*, actor: Any, venue: Model, changes: list[dict[str, Any]]) -> AuditEntry:
    return audit_record(code="weddings.venue.updated", obj=venue, actor=actor, changes=changes)


def reservation_policy_updated(
    *, actor: Any, policy: Model, changes: list[dict[str, Any]]
) -> AuditEntry:
    return audit_record(code="weddings.policy.updated", obj=policy, actor=actor, changes=changes)


def feed_token_created(*, actor: Any, owner: Model) -> AuditEntry:
    return audit_record(code="weddings.feed.created", obj=owner, actor=actor)


def feed_token_revoked(*, actor: Any, owner: Model) -> AuditEntry:
    return audit_record(code="weddings.feed.revoked", obj=owner, actor=actor)


def venue_calendar_imported(
    *, actor: Any, venue: Model, created: int, updated: int, removed: int, conflicts: int
) -> AuditEntry:
    return audit_record(
        code="weddings.venue_calendar.imported",
        obj=venue,
        actor=actor,
        created=created,
        updated=updated,
        removed=removed,
        conflicts=conflicts,
    )


def venue_calendar_source_set(
    *, actor: Any, venue: Model, changes: list[dict[str, Any]]
) -> AuditEntry:
    return audit_record(
        code="weddings.venue_calendar.source_set", obj=venue, actor=actor, changes=changes
    )
