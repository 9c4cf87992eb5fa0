"""Staff edits of the catalogue, the locations and the counters, each audited with before
and after (a wrong duration silently breaks a calendar), and the counters' availability:
opening hours and rosters (weekly rules of the counter's resource, the staff member's name in
`note`), closures and absences, extra Saturdays — through the scheduling core's availability
writes, which audit and refuse a closure over booked appointments. Changes of hours that
would leave a booked appointment outside every rule are refused here, for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from rathaus.audit.services import audit_record, changes, snapshot
from rathaus.core.timezone import BERLIN, local_today
from rathaus.scheduling.constants import SlotMode
from rathaus.scheduling.models import Allocation, Closure, ExtraOpening, Resource, WeeklyRule
from rathaus.scheduling.selectors import active_allocations_q
from rathaus.scheduling.services import (
    AvailabilityRefused,
    closure_create,
    closure_delete,
    extra_opening_create,
    extra_opening_delete,
    weekly_rule_create,
    weekly_rule_delete,
    weekly_rule_update,
)

from ..constants import ACTIVE_STATUSES, KIND_COUNTER
from ..models import Counter, Fee, Location, Request, Service

SERVICE_FIELDS = [
    "minutes",
    "max_count",
    "combination_group",
    "documents",
    "online",
    "urgent_possible",
    "information_only",
    "assumptions",
]
LOCATION_FIELDS = [
    "phone",
    "email",
    "horizon_days",
    "online_booking",
    "same_day_percent",
    "same_day_opens",
    "same_day_closes",
    "same_day_urgent_percent",
    "parallel_counters",
    "max_active_per_person",
    "max_active_per_email",
    "assumptions",
]


class CatalogueRefused(Exception):
    """The change is refused; `message` says why, for the clerk."""

    def __init__(self, message: object) -> None:
        self.message = message
        super().__init__(str(message))


def _changed(obj: Any, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any] | None:
    """What an audit entry of an edit stores (every changed field's label, old and new value),
    or None when nothing changed."""
    changed = changes(before, after)
    if not changed:
        return None
    fields = ", ".join(str(change["label"]) for change in changed)
    return {"name": str(obj), "fields": fields, "changes": changed}


def _related(label: str, values: Iterable[str]) -> dict[str, Any]:
    return {"label": label, "value": sorted(values)}


# --- services and fees ----------------------------------------------------------------


def _future_requests(now: datetime) -> Any:
    return Request.objects.filter(
        person__appointment__status__in=ACTIVE_STATUSES, person__appointment__start__gt=now
    )


def service_update(
    *,
    actor: Any,
    service: Service,
    data: dict[str, Any],
    locations: Sequence[Location],
    now: datetime | None = None,
) -> Service:
    """Change the service's booking values and where it is offered. Appointments already
    booked keep their length; a location with booked appointments for it stays."""
    now = now or timezone.now()
    with transaction.atomic():
        service = Service.objects.select_for_update().get(pk=service.pk)
        before = snapshot(service, SERVICE_FIELDS)
        before["locations"] = _related(
            "offered at", service.locations.values_list("slug", flat=True)
        )
        removed = set(service.locations.values_list("pk", flat=True)) - {
            place.pk for place in locations
        }
        if (
            removed
            and _future_requests(now)
            .filter(service=service, person__appointment__location_id__in=removed)
            .exists()
        ):
            raise CatalogueRefused(
                _(
                    "Appointments for this service are booked at a location you removed. "
                    "Please move or cancel them first."
                )
            )
        for field in SERVICE_FIELDS:
            setattr(service, field, data[field])
        service.full_clean(exclude=["slug"])
        service.save()
        service.locations.set(locations)
        after = snapshot(service, SERVICE_FIELDS)
        after["locations"] = _related("offered at", (place.slug for place in locations))
        if entry := _changed(service, before, after):
            audit_record(code="appointments.service_changed", obj=service, actor=actor, **entry)
    return service


@dataclass(frozen=True)
class NewService:
    slug: str
    name_de: str
    name_en: str
    minutes: int
    combination_group: str
    max_count: int = 1
    online: bool = True


def service_create(*, actor: Any, new: NewService, locations: Sequence[Location]) -> Service:
    """A new service of the catalogue (its texts, documents and fees are added on its page)."""
    if Service.objects.filter(slug=new.slug).exists():
        raise CatalogueRefused(_("A service with this short name already exists."))
    with transaction.atomic():
        service = Service(
            slug=new.slug,
            name_de=new.name_de,
            name_en=new.name_en,
            minutes=new.minutes,
            max_count=new.max_count,
            combination_group=new.combination_group,
            online=new.online,
            order=(Service.objects.order_by("-order").values_list("order", flat=True).first() or 0)
            + 1,
        )
        service.full_clean()
        service.save()
        service.locations.set(locations)
        audit_record(
            code="appointments.service_created", obj=service, actor=actor, name=service.name_de
        )
    return service


@dataclass(frozen=True)
class FeeData:
    variant: str
    amount_eur: Decimal
    valid_from: date
    label_de: str = ""
    label_en: str = ""
    min_age: int | None = None
    max_age: int | None = None
    assumed: bool = False
    source: str = ""


def fee_add(*, actor: Any, service: Service, fee: FeeData, today: date | None = None) -> Fee:
    """A new fee from a date on; earlier fees stay as they were (history is never edited)."""
    today = today or local_today()
    if fee.valid_from < today:
        raise CatalogueRefused(
            _("A new fee applies from today or a later day; past fees are never changed.")
        )
    if fee.min_age is not None and fee.max_age is not None and fee.min_age >= fee.max_age:
        raise CatalogueRefused(_("The age range is empty."))
    with transaction.atomic():
        if Fee.objects.filter(
            service=service, variant=fee.variant, valid_from=fee.valid_from
        ).exists():
            raise CatalogueRefused(_("This variant already has a fee from this day."))
        created = Fee.objects.create(
            service=service,
            variant=fee.variant,
            amount_eur=fee.amount_eur,
            valid_from=fee.valid_from,
            label_de=fee.label_de,
            label_en=fee.label_en,
            min_age=fee.min_age,
            max_age=fee.max_age,
            assumed=fee.assumed,
            source=fee.source,
        )
        audit_record(
            code="appointments.fee_created",
            obj=service,
            actor=actor,
            service=service.name_de,
            variant=fee.variant,
            valid_from=fee.valid_from,
            amount=fee.amount_eur,
        )
    return created


def fee_remove(*, actor: Any, fee: Fee, today: date | None = None) -> None:
    """Take back a fee that is not yet in effect (a typo in a coming change); a fee that has
    applied on any day is history and stays."""
    today = today or local_today()
    if fee.valid_from <= today:
        raise CatalogueRefused(_("This fee has already applied; past fees are never changed."))
    with transaction.atomic():
        audit_record(
            code="appointments.fee_deleted",
            obj=fee.service,
            actor=actor,
            service=fee.service.name_de,
            variant=fee.variant,
            valid_from=fee.valid_from,
            amount=fee.amount_eur,
        )
        fee.delete()


# --- locations and counters -----------------------------------------------------------


def location_update(*, actor: Any, location: Location, data: dict[str, Any]) -> Location:
    with transaction.atomic():
        location = Location.objects.select_for_update().get(pk=location.pk)
        before = snapshot(location, LOCATION_FIELDS)
        for field in LOCATION_FIELDS:
            setattr(location, field, data[field])
        location.full_clean(exclude=["slug"])
        location.save()
        if entry := _changed(location, before, snapshot(location, LOCATION_FIELDS)):
            audit_record(code="appointments.location_changed", obj=location, actor=actor, **entry)
    return location


def counter_create(
    *, actor: Any, location: Location, name: str, services: Sequence[Service]
) -> Counter:
    """A new counter of the location: its own scheduling resource, no hours yet (it is
    bookable once hours are added)."""
    name = name.strip()
    if not name:
        raise CatalogueRefused(_("Please give the counter a name."))
    if location.counters.filter(name=name).exists():
        raise CatalogueRefused(_("This location already has a counter with this name."))
    with transaction.atomic():
        resource = Resource.objects.create(
            kind=KIND_COUNTER,
            slug=_free_slug(f"counter-{location.slug}-{slugify(name)}"),
            name=f"{location.name_de} – {name}",
        )
        counter = Counter.objects.create(location=location, resource=resource, name=name)
        counter.services.set(services)
        audit_record(
            code="appointments.counter_created", obj=counter, actor=actor, name=str(counter)
        )
    return counter


def _free_slug(base: str) -> str:
    slug, number = base[:80], 1
    while Resource.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base[:75]}-{number}"
    return slug


def counter_services_set(
    *, actor: Any, counter: Counter, services: Sequence[Service], now: datetime | None = None
) -> Counter:
    """Which services the counter can do. A service with booked appointments at this counter
    cannot be taken away (they would stand at a counter that cannot serve them)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = {service.pk: service.slug for service in counter.services.all()}
        removed = set(current) - {service.pk for service in services}
        if (
            removed
            and _future_requests(now)
            .filter(service_id__in=removed, person__counter=counter)
            .exists()
        ):
            raise CatalogueRefused(
                _(
                    "Appointments booked at this counter need a service you removed. "
                    "Please move or cancel them first."
                )
            )
        counter.services.set(services)
        if entry := _changed(
            counter,
            {"services": _related("services", current.values())},
            {"services": _related("services", (service.slug for service in services))},
        ):
            audit_record(code="appointments.counter_changed", obj=counter, actor=actor, **entry)
    return counter


# --- opening hours and rosters: weekly rules of the counter ---------------------------


@dataclass(frozen=True)
class Hours:
    weekday: int
    start_time: time
    end_time: time
    staff: str = ""  # the roster: who staffs the counter then (the rule's note)
    valid_from: date | None = None
    valid_until: date | None = None

    def rule_data(self) -> dict[str, Any]:
        return {
            "weekday": self.weekday,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "slot_mode": SlotMode.WINDOW,
            "slot_minutes": 0,
            "buffer_minutes": 0,
            "fixed_starts": [],
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "open_on_holidays": False,
            "note": self.staff,
        }


def _covers(rule: Any, start: datetime, end: datetime) -> bool:
    local_start, local_end = start.astimezone(BERLIN), end.astimezone(BERLIN)
    day = local_start.date()
    return (
        rule["weekday"] == day.weekday()
        and local_end.date() == day
        and (rule["valid_from"] is None or rule["valid_from"] <= day)
        and (rule["valid_until"] is None or day <= rule["valid_until"])
        and rule["start_time"] <= local_start.time()
        and local_end.time() <= rule["end_time"]
    )


def _rules(counter: Counter) -> dict[int, dict[str, Any]]:
    return {
        rule.pk: {
            "weekday": rule.weekday,
            "start_time": rule.start_time,
            "end_time": rule.end_time,
            "valid_from": rule.valid_from,
            "valid_until": rule.valid_until,
        }
        for rule in WeeklyRule.objects.filter(resource_id=counter.resource_id)
    }


def _refuse_stranding(
    counter: Counter, before: dict[int, dict[str, Any]], after: dict[int, dict[str, Any]]
) -> None:
    """Refuse when a booked future time at the counter is inside today's hours but would be
    outside every rule afterwards (extra openings do not change, so they are left aside)."""
    now = timezone.now()
    allocations = Allocation.objects.filter(active_allocations_q(now)).filter(
        resource_id=counter.resource_id, start__gt=now
    )
    stranded = sum(
        1
        for allocation in allocations.only("start", "end")
        if any(_covers(rule, allocation.start, allocation.end) for rule in before.values())
        and not any(_covers(rule, allocation.start, allocation.end) for rule in after.values())
    )
    if stranded:
        raise AvailabilityRefused(
            _(
                "Booked appointments that would be outside the hours: %(count)s. "
                "Please move or cancel them first."
            )
            % {"count": stranded}
        )


def hours_add(*, actor: Any, counter: Counter, hours: Hours) -> WeeklyRule:
    return weekly_rule_create(
        actor=actor, resource=counter.resource, owner=counter, data=hours.rule_data()
    )


def hours_update(*, actor: Any, counter: Counter, rule: WeeklyRule, hours: Hours) -> WeeklyRule:
    with transaction.atomic():
        before = _rules(counter)
        after = {**before, rule.pk: hours.rule_data()}
        _refuse_stranding(counter, before, after)
        return weekly_rule_update(actor=actor, rule=rule, owner=counter, data=hours.rule_data())


def hours_delete(*, actor: Any, counter: Counter, rule: WeeklyRule) -> None:
    with transaction.atomic():
        before = _rules(counter)
        after = {pk: value for pk, value in before.items() if pk != rule.pk}
        _refuse_stranding(counter, before, after)
        weekly_rule_delete(actor=actor, rule=rule, owner=counter)


# --- closures, absences, extra Saturdays ----------------------------------------------


def counter_closure_add(
    *, actor: Any, counter: Counter, start: datetime, end: datetime, reason: str
) -> Closure:
    """An absence or closure of one counter (refused over booked appointments)."""
    return closure_create(
        actor=actor, resource=counter.resource, owner=counter, start=start, end=end, reason=reason
    )


def location_closure_add(
    *, actor: Any, location: Location, start: datetime, end: datetime, reason: str
) -> list[Closure]:
    """The whole location closed: one closure per regular counter, all or none."""
    counters = list(location.counters.filter(emergency_only=False).select_related("resource"))
    if not counters:
        raise AvailabilityRefused(_("This location has no counters."))
    with transaction.atomic():
        return [
            closure_create(
                actor=actor,
                resource=counter.resource,
                owner=location,
                start=start,
                end=end,
                reason=reason,
            )
            for counter in counters
        ]


def closure_remove(*, actor: Any, closure: Closure, owner: Any) -> None:
    closure_delete(actor=actor, closure=closure, owner=owner)


def extra_opening_add(
    *,
    actor: Any,
    counters: Sequence[Counter],
    day: date,
    start_time: time,
    end_time: time,
    note: str,
) -> list[ExtraOpening]:
    """An extra opening (a Bürgersamstag) of the chosen counters, all or none."""
    if not counters:
        raise AvailabilityRefused(_("Please choose at least one counter."))
    if day < local_today():
        raise AvailabilityRefused(_("This day is already over."))
    data = {
        "date": day,
        "start_time": start_time,
        "end_time": end_time,
        "slot_mode": SlotMode.WINDOW,
        "slot_minutes": 0,
        "buffer_minutes": 0,
        "fixed_starts": [],
        "note": note,
    }
    with transaction.atomic():
        return [
            extra_opening_create(actor=actor, resource=counter.resource, owner=counter, data=data)
            for counter in counters
        ]


def extra_opening_remove(*, actor: Any, counter: Counter, opening: ExtraOpening) -> None:
    """Refused while a booked appointment needs the opening."""
    now = timezone.now()
    start = datetime.combine(opening.date, opening.start_time, tzinfo=BERLIN)
    end = datetime.combine(opening.date, opening.end_time, tzinfo=BERLIN)
    with transaction.atomic():
        booked = (
            Allocation.objects.filter(active_allocations_q(now))
            .filter(resource_id=counter.resource_id, start__lt=end, end__gt=start, start__gt=now)
            .exists()
        )
        if booked:
            raise AvailabilityRefused(
                _("Appointments are booked in this opening. Please move or cancel them first.")
            )
        extra_opening_delete(actor=actor, opening=opening, owner=counter)
