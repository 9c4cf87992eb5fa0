"""Writes of the registry-office settings: a venue's details and the reservation rules.
Each records its audit entry in the same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from rathaus.weddings import audit_events as audit

from ...models import ReservationPolicy, Venue
from .reservations import BackofficeError

# What staff may edit on the settings pages; the forms show exactly these.
VENUE_FIELDS = [
    "name",
    "address",
    "description",
    "max_guests",
    "step_free",
    "accessibility_note",
    "outdoor_possible",
    "fee_eur",
    "fee_outside_hours_eur",
    "venue_costs_eur",
    "venue_costs_note",
    "travel_minutes",
    "requires_venue_agreement",
    "active",
    "status_note",
]

POLICY_FIELDS = [
    "min_lead_days",
    "horizon_months",
    "release_time",
    "pending_hold_minutes",
    "notice_window_months",
    "notice_grace_days",
]


def _checked(instance):
    try:
        instance.full_clean()
    except ValidationError as error:
        raise BackofficeError("; ".join(error.messages)) from error
    return instance


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
