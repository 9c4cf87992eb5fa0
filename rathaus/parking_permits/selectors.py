"""Reads of the parking-permit module: zones, fees, the public pre-check, the staff views."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet

from rathaus.accounts import roles
from rathaus.core.revision import cached

from .addresses import house_number_parse, street_key
from .constants import (
    OPEN_STATUSES,
    OVERSUBSCRIPTION_FACTOR,
    PERMIT_YEARS,
    VISITOR_DAYS_PER_YEAR,
    EndReason,
    PermitKind,
    RefundStatus,
    Residence,
    Status,
)
from .models import (
    Application,
    Charge,
    Document,
    FeeRule,
    ImportRun,
    Permit,
    Refund,
    RegisteredResident,
    RegisteredVehicle,
    SigningKey,
    Street,
    Zone,
    ZoneSegment,
)
from .signing import CodeInvalid, code_key_id, code_verify


def access_parking_staff(user: Any) -> bool:
    """The parking-permit office and the citizen-office administration."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return bool(
        user.groups.filter(name__in=[roles.PARKING_OFFICE, roles.CITIZEN_OFFICE_ADMIN]).exists()
    )


# --- Streets, zones, fees -------------------------------------------------------------------


@dataclass(frozen=True)
class AddressIndex:
    """Streets by their forgiving key, the zone segments of each street, and every fee rule:
    what the pre-check reads, cached per process until the configuration changes."""

    streets: dict[str, Street]
    segments: dict[int, list[ZoneSegment]]
    fees: list[FeeRule]


def _address_index_load() -> AddressIndex:
    segments: dict[int, list[ZoneSegment]] = {}
    for segment in ZoneSegment.objects.filter(zone__active=True).select_related("zone"):
        segments.setdefault(segment.street_id, []).append(segment)
    return AddressIndex(
        streets={street.key: street for street in Street.objects.all()},
        segments=segments,
        fees=list(FeeRule.objects.order_by("kind", "-valid_from")),
    )


def address_index() -> AddressIndex:
    return cached("parking_permits.address_index", _address_index_load)


def street_find(text: str, index: AddressIndex | None = None) -> Street | None:
    key = street_key(text or "")
    return (index or address_index()).streets.get(key) if key else None


def zone_for_address(street: Street, number: int, index: AddressIndex | None = None) -> Zone | None:
    for segment in (index or address_index()).segments.get(street.pk, []):
        if segment.covers(number):
            return segment.zone
    return None


def zones_public() -> list[Zone]:
    return list(
        Zone.objects.filter(active=True).prefetch_related("segments__street").order_by("name")
    )


def zone_street_names(zone: Zone) -> list[str]:
    return sorted({segment.street.name for segment in zone.segments.all()})


def _in_force(rule: FeeRule, day: date) -> bool:
    return rule.valid_from <= day and (rule.valid_until is None or rule.valid_until >= day)


def fee_rule_on(kind: str, day: date, index: AddressIndex | None = None) -> FeeRule | None:
    """The rule of `kind` in force on `day`: the latest that started and has not ended."""
    fees = (index or address_index()).fees
    rules = [r for r in fees if r.kind == kind and _in_force(r, day)]
    return max(rules, key=lambda rule: rule.valid_from, default=None)


def permit_fees_on(day: date, index: AddressIndex | None = None) -> list[FeeRule]:
    """The one- and two-year fees in force on `day`."""
    index = index or address_index()
    rules = (fee_rule_on(kind, day, index) for kind in PERMIT_YEARS)
    return [rule for rule in rules if rule is not None]


def fees_all() -> QuerySet[FeeRule]:
    return FeeRule.objects.order_by("kind", "-valid_from")


# --- The public pre-check ---------------------------------------------------------------------


class PreCheckError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PreCheck:
    street: Street
    number: str
    zone: Zone | None
    fees: list[FeeRule] = field(default_factory=list)

    @property
    def in_zone(self) -> bool:
        return self.zone is not None

    @property
    def secondary_allowed(self) -> bool:
        return self.zone is not None and self.zone.residence == Residence.MAIN_OR_SECONDARY


def precheck(street: str, number: str, *, on: date) -> PreCheck:
    """Which zone an address lies in, with the fees of `on`. Stores nothing."""
    if not (street or "").strip():
        raise PreCheckError("street_missing", "Please give a street.")
    index = address_index()
    found = street_find(street, index)
    if found is None:
        raise PreCheckError("street_unknown", "This street is not in Bottrop's street list.")
    parsed = house_number_parse(number or "")
    if parsed is None:
        raise PreCheckError("number_invalid", "Please give a house number such as 12 or 12a.")
    zone = zone_for_address(found, parsed[0], index)
    fees = permit_fees_on(on, index) if zone is not None else []
    return PreCheck(street=found, number=f"{parsed[0]}{parsed[1]}", zone=zone, fees=fees)


# --- Applications, permits --------------------------------------------------------------------


def application_get(reference: str) -> Application | None:
    return (
        Application.objects.select_related("zone", "street", "fee_rule")
        .filter(reference=reference, erased_at__isnull=True)
        .first()
    )


def application_by_remittance(remittance: str) -> Application | None:
    return Application.objects.filter(remittance=remittance).first()


def payments_awaiting() -> dict[str, Decimal]:
    """Payment reference → amount of every approved application not yet paid."""
    return dict(
        Application.objects.filter(status=Status.APPROVED, paid_at__isnull=True).values_list(
            "remittance", "amount"
        )
    )


def applications_queue() -> QuerySet[Application]:
    return (
        Application.objects.filter(status__in=OPEN_STATUSES)
        .select_related("zone", "street")
        .order_by("created_at")
    )


def applications_recent(limit: int = 50) -> QuerySet[Application]:
    return Application.objects.select_related("zone", "street").order_by("-created_at")[:limit]


def application_open_or_issued_for(
    *,
    given_name: str,
    family_name: str,
    birth_date: date,
    exclude: int | None = None,
    exclude_permits: Iterable[int] = (),
    on: date | None = None,
) -> bool:
    """One permit per resident: an open application or a valid permit of the same person.
    With `on`, a permit that has ended by then (expired or revoked) no longer counts;
    `exclude_permits` are the permits a renewal or change of plate follows up."""
    same = Application.objects.filter(
        given_name__iexact=given_name, family_name__iexact=family_name, birth_date=birth_date
    )
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if on is None:
        return same.filter(status__in=[*OPEN_STATUSES, Status.ISSUED]).exists()
    if same.filter(status__in=OPEN_STATUSES).exists():
        return True
    current = Permit.objects.filter(
        application__in=same,
        application__status=Status.ISSUED,
        kind=PermitKind.RESIDENT,
        revoked_at__isnull=True,
        valid_until__gte=on,
    )
    return current.exclude(pk__in=list(exclude_permits)).exists()


def permit_for_application(application: Application) -> Permit | None:
    """The application's resident permit (the newest, after a reprint)."""
    return (
        Permit.objects.filter(application=application, kind=PermitKind.RESIDENT)
        .order_by("-issued_at", "-pk")
        .first()
    )


def permits_valid_on(day: date) -> QuerySet[Permit]:
    """Valid on `day`: not revoked, and not past an end day set for it (given back, moved
    out) even before the job has revoked it."""
    return (
        Permit.objects.filter(valid_from__lte=day, valid_until__gte=day, revoked_at__isnull=True)
        .exclude(ends_on__lte=day)
        .select_related("zone")
    )


def permits_for_plates(plates: Iterable[str], day: date) -> list[Permit]:
    return list(permits_valid_on(day).filter(plate__in=list(plates)))


@dataclass(frozen=True)
class ZoneLoad:
    zone: Zone
    permits: int

    @property
    def limit(self) -> int:
        return self.zone.spaces * OVERSUBSCRIPTION_FACTOR

    @property
    def over_limit(self) -> bool:
        return self.permits > self.limit


def zones_load(day: date) -> list[ZoneLoad]:
    """Valid resident permits per zone against three times its spaces (VG Freiburg 2005);
    visitor day permits are no residents."""
    counts = dict(
        permits_valid_on(day)
        .filter(kind=PermitKind.RESIDENT)
        .values_list("zone")
        .annotate(n=Count("pk"))
        .values_list("zone", "n")
    )
    return [ZoneLoad(zone, counts.get(zone.pk, 0)) for zone in Zone.objects.order_by("name")]


# --- Register extracts, keys ------------------------------------------------------------------


def residents_registered(*, family_name: str, birth_date: date) -> list[RegisteredResident]:
    return list(
        RegisteredResident.objects.filter(family_name__iexact=family_name, birth_date=birth_date)
    )


def vehicles_registered(plate: str) -> list[RegisteredVehicle]:
    return list(RegisteredVehicle.objects.filter(plate=plate))


def register_counts() -> dict[str, int]:
    return {
        "residents": RegisteredResident.objects.count(),
        "vehicles": RegisteredVehicle.objects.count(),
    }


def signing_key_active() -> SigningKey | None:
    return SigningKey.objects.filter(active=True).first()


def signing_keys_public() -> list[SigningKey]:
    return list(SigningKey.objects.order_by("created_at"))


def signing_key_get(key_id: str) -> SigningKey | None:
    return SigningKey.objects.filter(key_id=key_id).first()


def permit_by_number(number: str) -> Permit | None:
    return Permit.objects.select_related("zone").filter(number=number).first()


def zone_get(slug: str) -> Zone | None:
    return Zone.objects.filter(slug=slug).first()


def zone_segments(zone: Zone) -> list[ZoneSegment]:
    return list(zone.segments.select_related("street").order_by("street__name", "first_number"))


def zone_segment_get(zone: Zone, pk: int) -> ZoneSegment | None:
    return ZoneSegment.objects.select_related("zone", "street").filter(zone=zone, pk=pk).first()


def streets_all() -> QuerySet[Street]:
    return Street.objects.order_by("name")


def zones_all() -> list[Zone]:
    return list(Zone.objects.prefetch_related("segments__street").order_by("name"))


def application_for_office(reference: str) -> Application | None:
    return (
        Application.objects.select_related("zone", "street", "fee_rule", "decided_by")
        .prefetch_related("documents", "payments")
        .filter(reference=reference)
        .first()
    )


def document_for_office(reference: str, pk: int) -> Document | None:
    return Document.objects.filter(application__reference=reference, pk=pk).first()


def imports_recent(limit: int = 10) -> list[ImportRun]:
    return list(ImportRun.objects.select_related("imported_by").order_by("-imported_at")[:limit])


@dataclass(frozen=True)
class CodeCheck:
    """What an officer sees for a scanned code: genuine, valid today, and the permit's data."""

    genuine: bool
    valid_today: bool = False
    revoked: bool = False
    claims: Any = None
    reason: str = ""


def permit_code_check(code: str, *, on: date) -> CodeCheck:
    try:
        key = signing_key_get(code_key_id(code))
        if key is None:
            return CodeCheck(False, reason="unknown key")
        claims = code_verify(code, public_key=key.public_key)
    except CodeInvalid:
        return CodeCheck(False, reason="invalid")
    permit = permit_by_number(claims.number)
    revoked = permit is None or permit.revoked_at is not None or permit.code != code.strip()
    revoked = revoked or (permit.ends_on is not None and permit.ends_on <= on)
    valid = claims.valid_from <= on <= claims.valid_until and not revoked
    return CodeCheck(True, valid_today=valid, revoked=revoked, claims=claims)


# --- Visitor day permits (docs/parking-permits.md, "Visitor day permits") -----------------------


def visitor_days_per_year() -> int:
    """The yearly allowance of visitor days per resident permit (assumed: 60)."""
    return int(getattr(settings, "PARKING_VISITOR_DAYS_PER_YEAR", VISITOR_DAYS_PER_YEAR))


def visitor_days_in_year(first: date, last: date, year: int) -> int:
    """How many of the days first..last lie in the calendar year `year`."""
    start, end = max(first, date(year, 1, 1)), min(last, date(year, 12, 31))
    return max((end - start).days + 1, 0)


def resident_last_day(permit: Permit) -> date:
    """The last day of a resident permit: its end of validity, or earlier after a move-out."""
    return min(permit.valid_until, permit.ends_on or permit.valid_until)


def visitor_permits_of(parent: Permit) -> list[Permit]:
    """Every visitor day permit bought on a resident permit, the latest first."""
    return list(
        Permit.objects.filter(parent=parent, kind=PermitKind.VISITOR).order_by(
            "-valid_from", "-issued_at"
        )
    )


def visitor_days_used(parent: Permit, year: int) -> int:
    """Visitor days of `year` bought on a resident permit; cancelled ones do not count."""
    bought = (
        Permit.objects.filter(parent=parent, kind=PermitKind.VISITOR)
        .exclude(end_reason=EndReason.CANCELLED)
        .filter(valid_from__lte=date(year, 12, 31), valid_until__gte=date(year, 1, 1))
        .values_list("valid_from", "valid_until")
    )
    return sum(visitor_days_in_year(first, last, year) for first, last in bought)


def visitor_days_remaining(parent: Permit, year: int) -> int:
    return max(visitor_days_per_year() - visitor_days_used(parent, year), 0)


def charges_overdue_of(application: Application, today: date) -> list[Charge]:
    """Unpaid charges past their due day of the same person (any of their applications)."""
    return list(
        Charge.objects.filter(
            application__given_name__iexact=application.given_name,
            application__family_name__iexact=application.family_name,
            application__birth_date=application.birth_date,
            paid_at__isnull=True,
            due_on__lt=today,
            amount__gt=0,
        ).order_by("due_on")
    )


def charge_for_permit(permit: Permit) -> Charge | None:
    return Charge.objects.filter(permit=permit).order_by("-created_at").first()


@dataclass(frozen=True)
class VisitorRow:
    permit: Permit
    charge: Charge | None
    cancellable: bool  # not ended, and its first day has not begun

    @property
    def days(self) -> int:
        return (self.permit.valid_until - self.permit.valid_from).days + 1

    @property
    def cancelled(self) -> bool:
        return self.permit.end_reason == EndReason.CANCELLED


@dataclass(frozen=True)
class VisitorOffer:
    """What the holder's status page shows about visitor day permits."""

    parent: Permit | None  # the resident permit valid today, if the zone sells visitor days
    fee: Decimal | None
    year: int
    remaining: int
    overdue: list[Charge]
    rows: list[VisitorRow]

    @property
    def can_buy(self) -> bool:
        return self.parent is not None and self.remaining > 0 and not self.overdue


def visitor_offer(application: Application, today: date) -> VisitorOffer:
    """Whether the holder may buy visitor days today, how many are left this calendar year
    (Berlin), and the visitor permits bought so far with their charges."""
    permit = permit_for_application(application)
    parent = None
    if (
        permit is not None
        and permit.zone.visitor_day_fee is not None
        and permit.revoked_at is None
        and permit.valid_from <= today <= resident_last_day(permit)
    ):
        parent = permit
    permits = visitor_permits_of(permit) if permit is not None else []
    charges = {
        charge.permit_id: charge
        for charge in Charge.objects.filter(permit__in=permits).order_by("created_at")
    }
    rows = [
        VisitorRow(
            permit=visitor,
            charge=charges.get(visitor.pk),
            cancellable=visitor.revoked_at is None and visitor.valid_from > today,
        )
        for visitor in permits
    ]
    return VisitorOffer(
        parent=parent,
        fee=parent.zone.visitor_day_fee if parent is not None else None,
        year=today.year,
        remaining=visitor_days_remaining(parent, today.year) if parent is not None else 0,
        overdue=charges_overdue_of(application, today) if parent is not None else [],
        rows=rows,
    )


def visitor_permit_of(application: Application, number: str) -> Permit | None:
    """A visitor permit bought with this application (for its PDF and its cancellation)."""
    return (
        Permit.objects.select_related("zone", "parent")
        .filter(application=application, kind=PermitKind.VISITOR, number=number)
        .first()
    )


# --- Changes by the holder, charges and refunds (docs/parking-permits.md) --------------------


def charge_by_remittance(remittance: str) -> Charge | None:
    return Charge.objects.select_related("application").filter(remittance=remittance).first()


def charges_awaiting() -> dict[str, Decimal]:
    """Payment reference → amount of every charge not yet paid."""
    return dict(
        Charge.objects.filter(paid_at__isnull=True, amount__gt=0).values_list(
            "remittance", "amount"
        )
    )


def charges_open() -> QuerySet[Charge]:
    return (
        Charge.objects.filter(paid_at__isnull=True, amount__gt=0)  # a cancelled one is 0 €
        .select_related("application", "permit")
        .order_by("due_on", "pk")
    )


def charge_get(pk: int) -> Charge | None:
    return Charge.objects.select_related("application").filter(pk=pk).first()


def charges_of(application: Application) -> list[Charge]:
    return list(Charge.objects.filter(application=application).order_by("-created_at"))


def temporary_permits_of(permit: Permit) -> list[Permit]:
    return list(
        Permit.objects.filter(parent=permit, kind=PermitKind.TEMPORARY).order_by("-issued_at")
    )


def temporary_permit_current(permit: Permit, day: date) -> Permit | None:
    """The temporary permit of a resident permit that has not ended (at most one)."""
    return (
        Permit.objects.filter(
            parent=permit,
            kind=PermitKind.TEMPORARY,
            revoked_at__isnull=True,
            valid_until__gte=day,
        )
        .order_by("valid_from")
        .first()
    )


def permit_of_application(application: Application, number: str) -> Permit | None:
    return (
        Permit.objects.select_related("zone").filter(application=application, number=number).first()
    )


def refund_of(permit: Permit) -> Refund | None:
    return Refund.objects.filter(permit=permit).first()


def refunds_open() -> QuerySet[Refund]:
    return (
        Refund.objects.filter(status=RefundStatus.OPEN)
        .select_related("permit", "permit__application")
        .order_by("created_at", "pk")
    )


def refunds_paid_recent(limit: int = 30) -> list[Refund]:
    return list(
        Refund.objects.filter(status=RefundStatus.PAID)
        .select_related("permit", "paid_by")
        .order_by("-paid_at")[:limit]
    )


def refund_get(pk: int) -> Refund | None:
    return Refund.objects.select_related("permit").filter(pk=pk).first()


def permits_move_out_flagged() -> QuerySet[Permit]:
    return (
        Permit.objects.filter(move_out_flagged_at__isnull=False, revoked_at__isnull=True)
        .select_related("zone", "application")
        .order_by("ends_on", "pk")
    )


def resident_permits_to_check(day: date) -> QuerySet[Permit]:
    """Resident permits valid on `day`, not already flagged or ending: the move-out check."""
    return (
        permits_valid_on(day)
        .filter(
            kind=PermitKind.RESIDENT,
            move_out_flagged_at__isnull=True,
            ends_on__isnull=True,
            application__erased_at__isnull=True,
        )
        .select_related("application", "application__zone")
    )
