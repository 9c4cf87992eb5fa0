"""One function per audit event. Callers run them inside the transaction of the change itself,
so an entry exists exactly when the change does.

The functions take the changed object and plain values; they never import a domain app
(the dependency rule: domain apps use `audit`, not the other way round). Values are stored
JSON-ready: instants and dates as ISO strings, choice values as their English label, which
`audit.selectors` translates and formats for the reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import translation

from rathaus.core import sql

from .models import AuditEntry

PERSONAL_KEYS = ("reason",)  # free text staff typed; erased with the object's personal data


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json(item) for key, item in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _actor_name(actor) -> str:
    if actor is None:
        return ""
    return actor.get_full_name() or actor.get_username()


def _record(code: str, obj: models.Model, actor=None, **data) -> AuditEntry:
    return sql.insert(  # every reservation writes one: no ORM query building
        AuditEntry(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=_actor_name(actor),
            code=code,
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
            object_label=str(obj)[:200],
            data={key: _json(value) for key, value in data.items()},
        )
    )


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, dict]:
    """Field values with their (English) labels, ready to compare before and after a change."""
    result = {}
    with translation.override(None):
        for name in fields:
            field = instance._meta.get_field(name)
            value = getattr(instance, name)
            if field.choices:
                value = dict(field.flatchoices).get(value, value)
            result[name] = {"label": str(field.verbose_name), "value": _json(value)}
    return result


def changes(before: dict[str, dict], after: dict[str, dict]) -> list[dict]:
    return [
        {
            "field": name,
            "label": old["label"],
            "before": old["value"],
            "after": after[name]["value"],
        }
        for name, old in before.items()
        if name in after and old["value"] != after[name]["value"]
    ]


# --- Reservations ----------------------------------------------------------------------------
# `changes` is `changes(snapshot(before), snapshot(after))`: the fields that changed.


def reservation_confirmed(*, actor, reservation, notice_filed_on: date, changes: list[dict]):
    return _record(
        "weddings.reservation.confirmed",
        reservation,
        actor,
        notice_filed_on=notice_filed_on,
        changes=changes,
    )


def reservation_cancelled(*, actor, reservation, reason: str, changes: list[dict]):
    return _record(
        "weddings.reservation.cancelled", reservation, actor, reason=reason, changes=changes
    )


def reservation_requested_by_couple(*, reservation):
    return _record("weddings.reservation.requested", reservation, None)


def reservation_email_confirmed_by_couple(*, reservation):
    return _record("weddings.reservation.email_confirmed", reservation, None)


def reservation_cancelled_by_couple(*, reservation):
    return _record("weddings.reservation.cancelled_by_couple", reservation, None)


def reservation_moved(*, actor, reservation, changes: list[dict]):
    return _record("weddings.reservation.moved", reservation, actor, changes=changes)


def reservation_registrar_assigned(*, actor, reservation, changes: list[dict]):
    return _record("weddings.reservation.registrar_assigned", reservation, actor, changes=changes)


def reservation_venue_agreed(*, actor, reservation, agreed: bool, reason: str = ""):
    if agreed:
        return _record("weddings.reservation.venue_agreed", reservation, actor)
    if reason:
        return _record(
            "weddings.reservation.venue_declined_for_reason", reservation, actor, reason=reason
        )
    return _record("weddings.reservation.venue_declined", reservation, actor)


def reservation_venue_decline_undone(*, actor, reservation):
    return _record("weddings.reservation.venue_decline_undone", reservation, actor)


def reservation_notice_recorded(*, actor, reservation, notice_filed_on: date, changes: list[dict]):
    """The marriage notice is filed while the venue's agreement is still outstanding."""
    return _record(
        "weddings.reservation.notice_recorded",
        reservation,
        actor,
        notice_filed_on=notice_filed_on,
        changes=changes,
    )


def reservation_expired(*, reservation, changes: list[dict]):
    return _record("weddings.reservation.expired", reservation, None, changes=changes)


def reservation_reminder_sent(*, reservation, kind: str):
    return _record("weddings.reservation.reminder_sent", reservation, None, kind=kind)


def reservation_personal_data_erased(*, reservation):
    return _record("weddings.reservation.personal_data_erased", reservation, None)


def waitlist_offer_made(*, reservation, hours: int):
    """The reservation is an offer to a couple from the waiting list, held for `hours`."""
    return _record("weddings.waitlist.offer_made", reservation, None, hours=hours)


def waitlist_offer_declined(*, reservation):
    return _record("weddings.waitlist.offer_declined", reservation, None)


def reservation_cancelled_on_request(*, actor, reservation, changes: list[dict]):
    """Cancelled because the couple asked for the erasure of their data (Art. 17 DSGVO)."""
    return _record("weddings.reservation.cancelled_on_request", reservation, actor, changes=changes)


def reservation_personal_data_erased_on_request(*, actor, reservation):
    return _record("weddings.reservation.personal_data_erased_on_request", reservation, actor)


# --- Requests of data subjects (rathaus/core/privacy.py) --------------------------------------
# Recorded on the member of staff who handled the request; never with the e-mail address.


def privacy_request_exported(*, actor, records: int):
    return _record("privacy.request.exported", actor, actor, records=records)


def privacy_request_erased(*, actor, erased: int, cancelled: int):
    return _record("privacy.request.erased", actor, actor, erased=erased, cancelled=cancelled)


# --- Venues, registrars, rules ----------------------------------------------------------------


def venue_updated(*, actor, venue, changes: list[dict]):
    return _record("weddings.venue.updated", venue, actor, changes=changes)


def reservation_policy_updated(*, actor, policy, changes: list[dict]):
    return _record("weddings.policy.updated", policy, actor, changes=changes)


def closure_created(*, actor, owner, start: datetime, end: datetime, reason: str):
    """A block or absence on `owner` (venue, registrar or the policy row for global closures)."""
    return _record("scheduling.closure.created", owner, actor, start=start, end=end, reason=reason)


def closure_deleted(*, actor, owner, start: datetime, end: datetime, reason: str):
    return _record("scheduling.closure.deleted", owner, actor, start=start, end=end, reason=reason)


def weekly_rule_created(*, actor, owner, rule: str):
    return _record("scheduling.rule.created", owner, actor, rule=rule)


def weekly_rule_updated(*, actor, owner, rule: str, changes: list[dict]):
    return _record("scheduling.rule.updated", owner, actor, rule=rule, changes=changes)


def weekly_rule_deleted(*, actor, owner, rule: str):
    return _record("scheduling.rule.deleted", owner, actor, rule=rule)


def extra_opening_created(*, actor, owner, opening: str):
    return _record("scheduling.extra_opening.created", owner, actor, opening=opening)


def extra_opening_deleted(*, actor, owner, opening: str):
    return _record("scheduling.extra_opening.deleted", owner, actor, opening=opening)


def feed_token_created(*, actor, owner):
    return _record("weddings.feed.created", owner, actor)


def feed_token_revoked(*, actor, owner):
    return _record("weddings.feed.revoked", owner, actor)


def venue_calendar_imported(
    *, actor, venue, created: int, updated: int, removed: int, conflicts: int
):
    return _record(
        "weddings.venue_calendar.imported",
        venue,
        actor,
        created=created,
        updated=updated,
        removed=removed,
        conflicts=conflicts,
    )


def venue_calendar_source_set(*, actor, venue, changes: list[dict]):
    return _record("weddings.venue_calendar.source_set", venue, actor, changes=changes)


# --- Lottery for high-demand dates (rathaus/weddings/lottery) --------------------------------


def lottery_marked(*, actor, lottery):
    return _record("weddings.lottery.marked", lottery, actor, day=lottery.day)


def lottery_unmarked(*, actor, lottery):
    return _record("weddings.lottery.unmarked", lottery, actor, day=lottery.day)


def lottery_drawn(*, lottery, participants: int, won: int, duplicates: int):
    return _record(
        "weddings.lottery.drawn",
        lottery,
        None,
        participants=participants,
        won=won,
        duplicates=duplicates,
    )


def lottery_application_submitted(*, application):
    return _record("weddings.lottery.application_submitted", application, None)


def lottery_application_confirmed(*, application):
    return _record("weddings.lottery.application_confirmed", application, None)


def lottery_application_withdrawn(*, application):
    return _record("weddings.lottery.application_withdrawn", application, None)


def lottery_application_personal_data_erased(*, application, actor=None, on_request=False):
    code = "weddings.lottery.application_personal_data_erased"
    return _record(f"{code}_on_request" if on_request else code, application, actor)


def personal_data_scrub(*, obj: models.Model) -> int:
    """Blank the free-text values of every entry about `obj` (part of erasing its data)."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    )
    count = 0
    for entry in entries:
        if any(entry.data.get(key) for key in PERSONAL_KEYS):
            entry.data = {**entry.data, **{key: "" for key in PERSONAL_KEYS if key in entry.data}}
            entry.save(update_fields=["data"])
            count += 1
    return count
