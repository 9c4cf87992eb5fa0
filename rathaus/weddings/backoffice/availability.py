"""Writes on availability: blocks and absences (closures), weekly rules, extra openings, and
the venue and policy data staff edit. Each write records its audit entry in the same
transaction.

A block or absence is refused while an active booking falls into it: closing time over a
wedding would hide a conflict, so such a wedding is moved or cancelled first. The resource row
is locked like the booking door does, so no booking can slip in between check and insert.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rathaus.scheduling.models import Closure, ExtraOpening, Resource, WeeklyRule
from rathaus.scheduling.selectors import allocations_overlapping
from rathaus.weddings import audit_events as audit

from ..models import ReservationPolicy, Venue
from .forms import POLICY_FIELDS, RULE_FIELDS, VENUE_FIELDS
from .services import BackofficeError

OPENING_FIELDS = ["date", "start_time", "end_time", "slot_mode", "slot_minutes", "note"]


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
        raise BackofficeError(
            ngettext(
                "%(count)s reservation falls into this time. Please move or cancel it first.",
                "%(count)s reservations fall into this time. Please move or cancel them first.",
                count,
            )
            % {"count": count}
        )


def closure_create(
    *,
    actor,
    resource: Resource | None,
    owner: Model | None,
    start: datetime,
    end: datetime,
    reason: str,
    source: str = "",
) -> Closure:
    """A block (venue), an absence (registrar) or, without a resource, a city-wide closure."""
    if end <= start:
        raise BackofficeError(_("The end must be after the start."))
    if end <= timezone.now():
        raise BackofficeError(_("This time is already over."))
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


def closure_delete(*, actor, closure: Closure, owner: Model | None) -> None:
    with transaction.atomic():
        audit.closure_deleted(
            actor=actor,
            owner=owner or closure,
            start=closure.start,
            end=closure.end,
            reason=closure.reason,
        )
        closure.delete()


def _checked(instance: Model) -> Model:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise BackofficeError("; ".join(error.messages)) from error
    return instance


def weekly_rule_create(*, actor, resource: Resource, owner: Model, data: dict) -> WeeklyRule:
    with transaction.atomic():
        rule = _checked(WeeklyRule(resource=resource, **{f: data[f] for f in RULE_FIELDS}))
        rule.save()
        audit.weekly_rule_created(actor=actor, owner=owner, rule=rule_label(rule))
    return rule


def weekly_rule_update(*, actor, rule: WeeklyRule, owner: Model, data: dict) -> WeeklyRule:
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


def weekly_rule_delete(*, actor, rule: WeeklyRule, owner: Model) -> None:
    with transaction.atomic():
        audit.weekly_rule_deleted(actor=actor, owner=owner, rule=rule_label(rule))
        rule.delete()


def rule_label(rule: WeeklyRule) -> str:
    return f"{rule.get_weekday_display()} {rule.start_time:%H:%M}–{rule.end_time:%H:%M}"


def opening_label(opening: ExtraOpening) -> str:
    return f"{opening.date:%d.%m.%Y} {opening.start_time:%H:%M}–{opening.end_time:%H:%M}"


def extra_opening_create(*, actor, resource: Resource, owner: Model, data: dict) -> ExtraOpening:
    """Extra capacity on one date (opens even on a public holiday)."""
    fields = [*OPENING_FIELDS, "buffer_minutes", "fixed_starts"]
    with transaction.atomic():
        opening = _checked(ExtraOpening(resource=resource, **{f: data[f] for f in fields}))
        opening.save()
        audit.extra_opening_created(actor=actor, owner=owner, opening=opening_label(opening))
    return opening


def extra_opening_delete(*, actor, opening: ExtraOpening, owner: Model) -> None:
    with transaction.atomic():
        audit.extra_opening_deleted(actor=actor, owner=owner, opening=opening_label(opening))
        opening.delete()


def venue_update(*, actor, venue: Venue, data: dict) -> Venue:
    """Details, capacity, fees, travel time and the agreement rule of a venue."""
    with transaction.atomic():
        venue = Venue.objects.select_for_update().get(pk=venue.pk)
        before = audit.snapshot(venue, VENUE_FIELDS)
        for field in VENUE_FIELDS:
            setattr(venue, field, data[field])
        _checked(venue).save()
        found = audit.changes(before, audit.snapshot(venue, VENUE_FIELDS))
        if found:
            audit.venue_updated(actor=actor, venue=venue, changes=found)
    return venue


def reservation_policy_update(*, actor, data: dict) -> ReservationPolicy:
    with transaction.atomic():
        policy = ReservationPolicy.objects.select_for_update().first() or ReservationPolicy()
        before = audit.snapshot(policy, POLICY_FIELDS)
        for field in POLICY_FIELDS:
            setattr(policy, field, data[field])
        _checked(policy).save()
        found = audit.changes(before, audit.snapshot(policy, POLICY_FIELDS))
        if found:
            audit.reservation_policy_updated(actor=actor, policy=policy, changes=found)
    return policy
