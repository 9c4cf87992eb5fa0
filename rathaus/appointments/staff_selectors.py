"""Reads of the Bürgerbüro's back office: the access gate, the day plan, the catalogue as
staff edit it (uncached: the newest rows), counters with their hours, closures and openings,
and each object's change history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from rathaus.accounts import roles
from rathaus.audit.selectors import AuditLine, audit_lines_for
from rathaus.core.timezone import local_today
from rathaus.scheduling.models import Closure, ExtraOpening, WeeklyRule

from .constants import AppointmentStatus
from .models import Appointment, Counter, Fee, Location, Service
from .selectors import appointments_of_day

STAFF_ROLES = (roles.CITIZEN_OFFICE_ADMIN,)


def access_citizen_office_staff(user: Any) -> bool:
    """The Bürgerbüro's back office: the citizen-office role (and superusers)."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return bool(user.groups.filter(name__in=STAFF_ROLES).exists())


def locations_all() -> list[Location]:
    return list(Location.objects.order_by("order", "slug"))


def location_or_404(slug: str) -> Location:
    location = Location.objects.filter(slug=slug).first()
    if location is None:
        raise Http404
    return location


def _natural(name: str) -> tuple[str, int]:
    """Natural order of counter names: Schalter 2 before Schalter 10."""
    head, _space, tail = name.rpartition(" ")
    return (head, int(tail)) if tail.isdigit() else (name, 0)


def counters_of(location: Location) -> list[Counter]:
    found = Counter.objects.filter(location=location).select_related("resource")
    return sorted(found.prefetch_related("services"), key=lambda c: (_natural(c.name), c.pk))


def counter_or_404(pk: int) -> Counter:
    counter = (
        Counter.objects.select_related("location", "resource")
        .prefetch_related("services")
        .filter(pk=pk)
        .first()
    )
    if counter is None:
        raise Http404
    return counter


@dataclass(frozen=True)
class DayPlan:
    location: Location
    day: date
    counter: Counter | None
    appointments: list[Appointment]
    counters: list[Counter]

    @property
    def active_count(self) -> int:
        return sum(1 for a in self.appointments if a.is_active)


def day_plan(location: Location, day: date, counter: Counter | None = None) -> DayPlan:
    found = list(appointments_of_day(location, day).exclude(status=AppointmentStatus.LAPSED))
    if counter is not None:
        found = [
            appointment
            for appointment in found
            if any(person.counter_id == counter.pk for person in appointment.persons.all())
        ]
    return DayPlan(location, day, counter, found, counters_of(location))


def appointment_or_404(reference: str) -> Appointment:
    appointment = (
        Appointment.objects.select_related("location", "booking")
        .prefetch_related("persons__requests__service", "persons__counter")
        .filter(reference=reference.upper()[:20])
        .exclude(status=AppointmentStatus.HELD)
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


def appointment_history(appointment: Appointment) -> list[AuditLine]:
    return audit_lines_for(appointment)


# --- catalogue --------------------------------------------------------------------------


def services_all() -> QuerySet[Service]:
    return Service.objects.prefetch_related("locations").order_by("order", "name_de")


def service_or_404(slug: str) -> Service:
    service = Service.objects.prefetch_related("locations").filter(slug=slug).first()
    if service is None:
        raise Http404
    return service


def fees_of(service: Service) -> list[Fee]:
    """Every fee, newest first per variant (history included: it is never edited)."""
    return list(Fee.objects.filter(service=service).order_by("variant", "-valid_from"))


def fee_or_404(service: Service, pk: int) -> Fee:
    fee = Fee.objects.select_related("service").filter(service=service, pk=pk).first()
    if fee is None:
        raise Http404
    return fee


def history_of(obj: Any) -> list[AuditLine]:
    return audit_lines_for(obj)


# --- counters: hours, closures, openings ----------------------------------------------


def hours_of(counter: Counter) -> list[WeeklyRule]:
    return list(
        WeeklyRule.objects.filter(resource_id=counter.resource_id).order_by("weekday", "start_time")
    )


def hours_rule_or_404(counter: Counter, pk: int) -> WeeklyRule:
    rule = WeeklyRule.objects.filter(resource_id=counter.resource_id, pk=pk).first()
    if rule is None:
        raise Http404
    return rule


def closures_of(counter: Counter, now: datetime | None = None) -> list[Closure]:
    """The counter's closures and absences that are not over (city-wide ones included)."""
    now = now or timezone.now()
    return list(
        Closure.objects.filter(resource_id=counter.resource_id, end__gt=now).order_by("start")
    )


def closure_or_404(counter: Counter, pk: int) -> Closure:
    closure = Closure.objects.filter(resource_id=counter.resource_id, pk=pk).first()
    if closure is None:
        raise Http404
    return closure


def openings_of(counter: Counter, today: date | None = None) -> list[ExtraOpening]:
    today = today or local_today()
    return list(
        ExtraOpening.objects.filter(resource_id=counter.resource_id, date__gte=today).order_by(
            "date", "start_time"
        )
    )


def opening_or_404(counter: Counter, pk: int) -> ExtraOpening:
    opening = ExtraOpening.objects.filter(resource_id=counter.resource_id, pk=pk).first()
    if opening is None:
        raise Http404
    return opening


def counters_queryset(location: Location) -> QuerySet[Counter]:
    return Counter.objects.filter(location=location).order_by("name")


@dataclass(frozen=True)
class Staffing:
    """Who staffs a counter on a day: its hours (with the roster's names), extra openings,
    and the closures or absences that touch the day."""

    counter: Counter
    hours: list[WeeklyRule]
    openings: list[ExtraOpening]
    closures: list[Closure]


def staffing_of_day(location: Location, day: date, counters: list[Counter]) -> list[Staffing]:
    from rathaus.core.timezone import local_datetime
    from rathaus.scheduling.engine import is_public_holiday

    holiday = is_public_holiday(day)
    start = local_datetime(day, datetime.min.time())
    end = local_datetime(day + timedelta(days=1), datetime.min.time())
    resource_ids = [counter.resource_id for counter in counters]
    rules = WeeklyRule.objects.filter(resource_id__in=resource_ids, weekday=day.weekday())
    openings = ExtraOpening.objects.filter(resource_id__in=resource_ids, date=day)
    closures = Closure.objects.filter(resource_id__in=resource_ids, start__lt=end, end__gt=start)
    result = []
    for counter in counters:
        own = counter.resource_id
        result.append(
            Staffing(
                counter,
                sorted(
                    (
                        rule
                        for rule in rules
                        if rule.resource_id == own
                        and (rule.valid_from is None or rule.valid_from <= day)
                        and (rule.valid_until is None or day <= rule.valid_until)
                        and (rule.open_on_holidays or not holiday)
                    ),
                    key=lambda rule: rule.start_time,
                ),
                [opening for opening in openings if opening.resource_id == own],
                [closure for closure in closures if closure.resource_id == own],
            )
        )
    return result
