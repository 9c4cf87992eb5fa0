"""Reads of the back office, and the access gates every back-office view must pass.

Gates raise `PermissionDenied` (403) when a role may not use a page at all and `Http404` when
an object lies outside the user's reach (another venue, another registrar's schedule), so a
venue operator cannot even learn whether another venue's reservation exists.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from rathaus.accounts import roles
from rathaus.core.timezone import BERLIN, local_datetime, local_today
from rathaus.scheduling import engine
from rathaus.scheduling.models import Closure, ExtraOpening, Resource, WeeklyRule
from rathaus.scheduling.selectors import calendars_between

from ..constants import ACTIVE_RESERVATION_STATUSES, ReservationStatus
from ..ics import ceremonies_ics
from ..models import (
    FeedToken,
    Registrar,
    Reservation,
    Venue,
    VenueAgreement,
    VenueCalendarSource,
)
from ..selectors import REFERENCE_SHAPE, registrars_active, slot_fee
from .ics_import import SOURCE as IMPORTED_SOURCE

BACKOFFICE_ROLES = (roles.REGISTRY_OFFICE, roles.REGISTRAR, roles.VENUE_OPERATOR)
ACTIVE = ACTIVE_RESERVATION_STATUSES


class SecondFactorRequired(PermissionDenied):
    """The user is logged in but has not passed the TOTP check this session."""


# --- Access gates ------------------------------------------------------------------------------


def user_roles(user) -> set[str]:
    if not (user and user.is_authenticated and user.is_active):
        return set()
    cached = getattr(user, "_backoffice_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(roles.REGISTRY_OFFICE)
        user._backoffice_roles = cached
    return cached


def is_registry_office(user) -> bool:
    return roles.REGISTRY_OFFICE in user_roles(user)


def second_factor_required() -> bool:
    return getattr(settings, "RATHAUS_STAFF_OTP_REQUIRED", False)


def access_backoffice(user) -> set[str]:
    """Any back-office page: an active staff account with a back-office role (and TOTP)."""
    found = user_roles(user) & set(BACKOFFICE_ROLES)
    if not (found and user.is_staff):
        raise PermissionDenied
    if second_factor_required() and not getattr(user, "is_verified", lambda: False)():
        raise SecondFactorRequired
    return found


def access_registry_office(user) -> None:
    """Pages of the registry office: plans, lists, rules, fees, statistics."""
    access_backoffice(user)
    if not is_registry_office(user):
        raise PermissionDenied


def access_reservation(user, reference: str) -> Reservation:
    """A reservation with all its details: the registry office only."""
    access_registry_office(user)
    if not REFERENCE_SHAPE.fullmatch(reference.upper()):  # e.g. a NUL: a 500 on PostgreSQL
        raise Http404
    reservation = (
        Reservation.objects.select_related("venue", "registrar", "booking")
        .filter(reference=reference.upper())
        .first()
    )
    if reservation is None:
        raise Http404
    return reservation


def venues_of(user) -> QuerySet[Venue]:
    if is_registry_office(user):
        return Venue.objects.all()
    if roles.VENUE_OPERATOR in user_roles(user):
        return Venue.objects.filter(memberships__user=user)
    return Venue.objects.none()


def access_venue(user, slug: str) -> Venue:
    """A venue's calendar, blocks, feed and import: its operators and the registry office."""
    found = access_backoffice(user)
    if not (found & {roles.REGISTRY_OFFICE, roles.VENUE_OPERATOR}):
        raise PermissionDenied
    venue = venues_of(user).select_related("resource").filter(slug=slug).first()
    if venue is None:
        raise Http404
    return venue


def access_venue_edit(user, slug: str) -> Venue:
    """Rules, fees and extra openings of a venue: the registry office only."""
    access_registry_office(user)
    venue = Venue.objects.select_related("resource").filter(slug=slug).first()
    if venue is None:
        raise Http404
    return venue


def access_venue_reservation(user, slug: str, reference: str) -> tuple[Venue, Reservation]:
    """A reservation as its venue sees it (names, time, guests), for the venue's agreement."""
    venue = access_venue(user, slug)
    if not REFERENCE_SHAPE.fullmatch(reference.upper()):
        raise Http404
    reservation = Reservation.objects.filter(venue=venue, reference=reference.upper()).first()
    if reservation is None:
        raise Http404
    return venue, reservation


def access_registrar(user, registrar_id: int) -> Registrar:
    """A registrar's schedule, roster and absences: the registrar and the registry office."""
    found = access_backoffice(user)
    registrar = Registrar.objects.select_related("resource").filter(pk=registrar_id).first()
    if registrar is None:
        raise Http404
    if roles.REGISTRY_OFFICE in found:
        return registrar
    if roles.REGISTRAR in found and registrar.user_id == user.pk:
        return registrar
    raise Http404


def access_registrar_self(user) -> Registrar:
    found = access_backoffice(user)
    if roles.REGISTRAR not in found:
        raise PermissionDenied
    registrar = Registrar.objects.filter(user=user).first()
    if registrar is None:
        raise Http404
    return registrar


def access_roster_edit(user, registrar_id: int) -> Registrar:
    """Weekly duty rules of a registrar: the registry office only (registrars read them)."""
    access_registry_office(user)
    return access_registrar(user, registrar_id)


# --- Reservations ------------------------------------------------------------------------------


@dataclass
class ReservationFilter:
    status: str = ""
    venue: Venue | None = None
    deadline_until: date | None = None
    first: date | None = None
    last: date | None = None
    reference: str = ""


def reservations_filtered(filters: ReservationFilter) -> QuerySet[Reservation]:
    rows = Reservation.objects.select_related("venue", "registrar").order_by("start")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.venue:
        rows = rows.filter(venue=filters.venue)
    if filters.deadline_until:
        rows = rows.filter(
            notice_deadline__lte=filters.deadline_until,
            notice_filed_on__isnull=True,
            status__in=ACTIVE,
        )
    if filters.first:
        rows = rows.filter(start__gte=local_datetime(filters.first, time.min))
    if filters.last:
        rows = rows.filter(start__lt=local_datetime(filters.last + timedelta(days=1), time.min))
    if filters.reference:
        rows = rows.filter(reference__icontains=filters.reference.strip())
    return rows


def ceremonies_between(first: date, last: date) -> QuerySet[Reservation]:
    """Every active ceremony of all venues and registrars from `first` to `last`."""
    return (
        Reservation.objects.filter(
            status__in=ACTIVE,
            start__gte=local_datetime(first, time.min),
            start__lt=local_datetime(last + timedelta(days=1), time.min),
        )
        .select_related("venue", "registrar", "venue_agreement")
        .order_by("start", "venue__name")
    )


def venue_agreement_of(reservation: Reservation) -> VenueAgreement | None:
    return VenueAgreement.objects.filter(reservation=reservation).first()


def venue_agreement_missing(reservation: Reservation) -> bool:
    if not reservation.venue.requires_venue_agreement:
        return False
    agreement = venue_agreement_of(reservation)
    return agreement is None or not agreement.agreed


# --- Venue operators: only names, time and guests --------------------------------------------


@dataclass(frozen=True)
class VenueCeremony:
    """What a venue operator sees of a reservation, and nothing more."""

    reference: str
    names: str
    start: datetime
    end: datetime
    guests: int
    confirmed: bool
    agreement: bool | None  # None: not decided (or not needed)
    email_confirmed: bool = True  # False: a hold the couple has not confirmed yet
    declined_reason: str = ""


def venue_ceremonies(venue: Venue, first: date, last: date) -> list[VenueCeremony]:
    rows = (
        Reservation.objects.filter(
            venue=venue,
            status__in=ACTIVE,
            start__gte=local_datetime(first, time.min),
            start__lt=local_datetime(last + timedelta(days=1), time.min),
        )
        .select_related("venue_agreement")
        .order_by("start")
    )
    result = []
    for row in rows:
        agreement = getattr(row, "venue_agreement", None)
        result.append(
            VenueCeremony(
                reference=row.reference,
                names=row.couple_names if row.partner1_given_name else "",
                start=row.start,
                end=row.end,
                guests=row.guests,
                confirmed=row.status == ReservationStatus.CONFIRMED,
                agreement=agreement.agreed if agreement else None,
                email_confirmed=row.status != ReservationStatus.PENDING,
                declined_reason=agreement.reason if agreement else "",
            )
        )
    return result


def venue_agreements_open(venue: Venue) -> list[VenueCeremony]:
    """Reservations awaiting the venue's answer: only those the couple has confirmed by e-mail
    (an unconfirmed hold lapses within hours; the venue is not asked about it)."""
    if not venue.requires_venue_agreement:
        return []
    today = datetime.now(BERLIN).date()
    return [
        ceremony
        for ceremony in venue_ceremonies(venue, today, today + timedelta(days=800))
        if ceremony.agreement is None and ceremony.email_confirmed
    ]


def closures_of(resource_id: int, first: date, last: date) -> QuerySet[Closure]:
    """Closures of one resource and the city-wide ones, overlapping the days."""
    return Closure.objects.filter(
        Q(resource_id=resource_id) | Q(resource__isnull=True),
        start__lt=local_datetime(last + timedelta(days=1), time.min),
        end__gt=local_datetime(first, time.min),
    ).order_by("start")


def closure_find(
    closure_id: int, *, resource_id: int | None, imported: bool = True
) -> Closure | None:
    """A closure of one resource, or with `resource_id=None` a city-wide one. Without
    `imported`, blocks that came from a venue's calendar import are not found."""
    found = Closure.objects.filter(pk=closure_id)
    found = (
        found.filter(resource__isnull=True)
        if resource_id is None
        else found.filter(resource_id=resource_id)
    )
    if not imported:
        found = found.exclude(source=IMPORTED_SOURCE)
    return found.first()


def closures_ahead(resource_id: int | None) -> QuerySet[Closure]:
    """Closures of one resource (or, with None, the city-wide ones) not over before today."""
    found = (
        Closure.objects.filter(resource__isnull=True)
        if resource_id is None
        else Closure.objects.filter(resource_id=resource_id)
    )
    return found.filter(end__gt=local_datetime_start(local_today())).order_by("start")


def weekly_rules_of(resource: Resource) -> list[WeeklyRule]:
    return list(resource.weekly_rules.all())


def extra_openings_ahead(resource: Resource) -> list[ExtraOpening]:
    return list(resource.extra_openings.filter(date__gte=local_today()))


def weekly_rule_find(rule_id: int) -> WeeklyRule | None:
    return WeeklyRule.objects.select_related("resource").filter(pk=rule_id).first()


def extra_opening_find(opening_id: int) -> ExtraOpening | None:
    return ExtraOpening.objects.select_related("resource").filter(pk=opening_id).first()


def venue_calendar_source_of(venue: Venue) -> VenueCalendarSource | None:
    return VenueCalendarSource.objects.filter(venue=venue).first()


# --- Registrars ---------------------------------------------------------------------------------


def registrars_all() -> QuerySet[Registrar]:
    return Registrar.objects.select_related("user").order_by("name")


def registrar_active(registrar_id: int) -> Registrar | None:
    return Registrar.objects.filter(pk=registrar_id, active=True).first()


def registrar_ceremonies(registrar: Registrar, first: date, last: date) -> QuerySet[Reservation]:
    return ceremonies_between(first, last).filter(registrar=registrar)


@dataclass(frozen=True)
class RegistrarOption:
    registrar: Registrar
    current: bool


def registrars_suggested(reservation: Reservation, *, now=None) -> list[Registrar]:
    """Registrars free for this ceremony including travel (the current one not included)."""
    calendars_ignore = [reservation.booking_id]
    venue = reservation.venue
    travel = timedelta(minutes=venue.travel_minutes)
    day = reservation.start.astimezone(BERLIN).date()
    registrars = registrars_active()
    calendars = calendars_between(
        [r.resource_id for r in registrars], day, day, now=now, ignore_booking_ids=calendars_ignore
    )
    lo, hi = engine.epoch(reservation.start - travel), engine.epoch(reservation.end + travel)
    free = []
    for registrar, calendar in zip(registrars, calendars, strict=True):
        if registrar.pk == reservation.registrar_id:
            continue
        if engine.contains(engine.free_intervals(calendar, day, day), lo, hi):
            free.append((len(calendar.blocked), registrar.name, registrar))
    return [registrar for *_, registrar in sorted(free, key=lambda item: item[:2])]


@dataclass(frozen=True)
class MoveOption:
    start: datetime
    end: datetime
    fee_eur: object
    registrars: list[Registrar]  # free incl. travel; the current registrar first if free


def move_options(
    reservation: Reservation, venue: Venue, day: date, *, now=None
) -> list[MoveOption]:
    """Free slots of `venue` on `day` for this wedding, as if it were not booked yet."""
    registrars = registrars_active()
    ids = [venue.resource_id, *(r.resource_id for r in registrars)]
    calendars = calendars_between(
        ids, day, day, now=now, ignore_booking_ids=[reservation.booking_id]
    )
    venue_calendar, registrar_calendars = calendars[0], calendars[1:]
    free = {
        registrar.pk: engine.free_intervals(calendar, day, day)
        for registrar, calendar in zip(registrars, registrar_calendars, strict=True)
    }
    registrars.sort(key=lambda r: (r.pk != reservation.registrar_id, r.name))
    travel = venue.travel_minutes * 60
    not_before = engine.epoch(now or datetime.now(BERLIN))
    options = []
    for start, end in engine.free_slot_bounds(venue_calendar, day, day, not_before=not_before):
        able = [r for r in registrars if engine.contains(free[r.pk], start - travel, end + travel)]
        if able:
            moment = engine.from_epoch(start)
            options.append(
                MoveOption(moment, engine.from_epoch(end), slot_fee(venue, moment), able)
            )
    return options


def local_datetime_start(day: date) -> datetime:
    return local_datetime(day, time.min)


# --- Calendar feeds ----------------------------------------------------------------------------

FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 800


def feed_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_owner_filter(venue: Venue | None, registrar: Registrar | None) -> dict:
    if (venue is None) == (registrar is None):
        raise ValueError("a feed belongs to exactly one venue or registrar")
    return {"venue": venue} if venue else {"registrar": registrar}


def feed_token_active(*, venue: Venue | None = None, registrar=None) -> FeedToken | None:
    owner = feed_owner_filter(venue, registrar)
    return FeedToken.objects.filter(**owner, revoked_at__isnull=True).first()


def feed_by_token(token: str) -> FeedToken | None:
    """The active feed for a URL token, or None."""
    if not token or len(token) > 100:
        return None
    return (
        FeedToken.objects.select_related("venue", "registrar")
        .filter(digest=feed_digest(token), revoked_at__isnull=True)
        .first()
    )


def _feed_owner_of(feed: FeedToken) -> dict:
    return {"venue_id": feed.venue_id} if feed.venue_id else {"registrar_id": feed.registrar_id}


def feed_ics(feed: FeedToken) -> bytes:
    """The ceremonies of the feed's venue or registrar, from a month ago on."""
    today = local_today()
    rows = ceremonies_between(
        today - timedelta(days=FEED_DAYS_BACK), today + timedelta(days=FEED_DAYS_AHEAD)
    ).filter(**_feed_owner_of(feed))
    name = feed.venue.name if feed.venue_id else feed.registrar.name
    return ceremonies_ics(f"{_('Weddings')} – {name}", rows, with_names=True)


def feed_last_modified(feed: FeedToken) -> datetime:
    """When the feed last changed: the latest change of one of its weddings (cancelled ones
    included), of the feed or its owner, and at least the start of today – ceremonies leave
    the window at midnight, and a wedding handed to another registrar leaves that registrar's
    feed without a trace in it. A client that sends only If-Modified-Since therefore reloads
    once a day at most; one that sends the ETag only when something really changed."""
    owner = feed.venue or feed.registrar
    changed = Reservation.objects.filter(**_feed_owner_of(feed)).aggregate(Max("updated_at"))
    moments = [
        changed["updated_at__max"],
        feed.created_at,
        owner.updated_at,
        local_datetime(local_today(), time.min),
    ]
    return max(moment for moment in moments if moment is not None)
