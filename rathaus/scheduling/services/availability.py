"""Writes on availability: closures (blocks, absences, city-wide closures), weekly rules and
extra openings of any resource. Each write records its audit entry in the same transaction,
on the `owner` the staff edited (a venue, a registrar, or the closure itself when there is
none), so this module works for every domain that books resources.

A closure is refused while an active booking falls into it: closing time over a booking would
hide a conflict, so such a booking is moved or cancelled first. The resource row is locked like
the booking door does, so no booking can slip in between check and insert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import audit_events as audit
from ..exceptions import SchedulingError
from ..models import Closure, ExtraOpening, Resource, WeeklyRule
from ..selectors import allocations_overlapping

_M = TypeVar("_M", bound=Model)

__all__ = [
    "OPENING_FIELDS",
    "RULE_FIELDS",
    "AvailabilityRefused",
    "closure_create",
    "closure_delete",
    "extra_opening_create",
    "extra_opening_delete",
    "opening_label",
    "rule_label",
    "weekly_rule_create",
    "weekly_rule_delete",
    "weekly_rule_update",
]

RULE_FIELDS = [
    "weekday",
    "start_time",
    "end_time",
    "slot_mode",
    "slot_minutes",
    "buffer_minutes",
    "fixed_starts",
    "valid_from",
    "valid_until",
    "open_on_holidays",
    "note",
]
OPENING_FIELDS = [
    "date",
    "start_time",
    "end_time",
    "slot_mode",
    "slot_minutes",
    "buffer_minutes",
    "fixed_starts",
    "note",
]


class AvailabilityRefused(SchedulingError):
    """The change is refused; the message says why, for the staff member who asked."""


def _lock(resource: Resource | None) -> None:
    if resource is not None:
        list(Resource.objects.select_for_update().filter(pk=resource.pk).values_list("pk"))


def _refuse_over_bookings(resource: Resource | None, start: datetime, end: datetime) -> None:
    found = allocations_overlapping(
        resource_ids=[resource.pk] if resource else Resource.objects.values_list("pk", flat=True),
        start=start,
        end=end,
        now=timezone.now(),
    )
    count = found.values("booking_id").distinct().count()
    if count:
        raise AvailabilityRefused(
            ngettext(
                "%(count)s reservation falls into this time. Please move or cancel it first.",
                "%(count)s reservations fall into this time. Please move or cancel them first.",
                count,
            )
            % {"count": count}
        )


def _checked(instance: _M) -> _M:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise AvailabilityRefused("; ".join(error.messages)) from error
    return instance


def closure_create(
    *,
    actor: Any,
    resource: Resource | None,
    owner: Model | None,
    start: datetime,
    end: datetime,
    reason: str,
    source: str = "",
) -> Closure:
    """A closure of one resource or, without a resource, of all of them (city-wide)."""
    if end <= start:
        raise AvailabilityRefused(_("The end must be after the start."))
    if end <= timezone.now():
        raise AvailabilityRefused(_("This time is already over."))
    with transaction.atomic():
        _lock(resource)
        _refuse_over_bookings(resource, start, end)
        closure = Closure.objects.create(
            resource=resource, start=start, end=end, reason=reason, source=source
        )
        audit.closure_created(
            actor=actor, owner=owner or closure, start=start, end=end, reason=reason
        )
    return closure


def closure_delete(*, actor: Any, closure: Closure, owner: Model | None) -> None:
    with transaction.atomic():
        audit.closure_deleted(
            actor=actor,
            owner=owner or closure,
            start=closure.start,
            end=closure.end,
            reason=closure.reason,
        )
        closure.delete()


def weekly_rule_create(
    *, actor: Any, resource: Resource, owner: Model, data: dict[str, Any]
) -> WeeklyRule:
    with transaction.atomic():
        rule = _checked(WeeklyRule(resource=resource, **{f: data[f] for f in RULE_FIELDS}))
        rule.save()
        audit.weekly_rule_created(actor=actor, owner=owner, rule=rule_label(rule))
    return rule


def weekly_rule_update(
    *, actor: Any, rule: WeeklyRule, owner: Model, data: dict[str, Any]
) -> WeeklyRule:
    with transaction.atomic():
        rule = WeeklyRule.objects.select_for_update().get(pk=rule.pk)
        before = audit.snapshot(rule, RULE_FIELDS)
        for field in RULE_FIELDS:
            setattr(rule, field, data[field])
        _checked(rule).save()
        audit.weekly_rule_updated(
            actor=actor,
            owner=owner,
            rule=rule_label(rule),
            changes=audit.changes(before, audit.snapshot(rule, RULE_FIELDS)),
        )
    return rule


def weekly_rule_delete(*, actor: Any, rule: WeeklyRule, owner: Model) -> None:
    with transaction.atomic():
        audit.weekly_rule_deleted(actor=actor, owner=owner, rule=rule_label(rule))
        rule.delete()


def rule_label(rule: WeeklyRule) -> str:
    return f"{rule.get_weekday_display()} {rule.start_time:%H:%M}–{rule.end_time:%H:%M}"


def opening_label(opening: ExtraOpening) -> str:
    return f"{opening.date:%d.%m.%Y} {opening.start_time:%H:%M}–{opening.end_time:%H:%M}"


def extra_opening_create(
    *, actor: Any, resource: Resource, owner: Model, data: dict[str, Any]
) -> ExtraOpening:
    """Extra capacity on one date (opens even on a public holiday)."""
    with transaction.atomic():
        opening = _checked(ExtraOpening(resource=resource, **{f: data[f] for f in OPENING_FIELDS}))
        opening.save()
        audit.extra_opening_created(actor=actor, owner=owner, opening=opening_label(opening))
    return opening


def extra_opening_delete(*, actor: Any, opening: ExtraOpening, owner: Model) -> None:
    with transaction.atomic():
        audit.extra_opening_deleted(actor=actor, owner=owner, opening=opening_label(opening))
        opening.delete()
