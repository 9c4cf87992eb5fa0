"""Rows for the zone statistics, written directly at fixed moments (many at once for the
benchmark): applications with their submission and decision times, permits of every kind and
the enforcement's hourly tally. The workflow itself is tested elsewhere."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps

from rathaus.parking_permits.constants import (
    ApplicationKind,
    FeeKind,
    PermitKind,
    Status,
    UseBasis,
)
from rathaus.parking_permits.models import Application, FeeRule, Permit, Street, Zone

_serial = itertools.count(1)


@contextmanager
def submitted_at_as_given() -> Iterator[None]:
    """`created_at` is `auto_now_add`; statistics need it at a chosen moment."""
    created = Application._meta.get_field("created_at")
    before = created.auto_now_add  # type: ignore[union-attr]
    created.auto_now_add = False  # type: ignore[union-attr]
    try:
        yield
    finally:
        created.auto_now_add = before  # type: ignore[union-attr]


def zone(slug: str = "osterfelder-strasse") -> Zone:
    return Zone.objects.get(slug=slug)


def application_row(
    *,
    zone: Zone,
    created_at: datetime,
    decided_at: datetime | None = None,
    automatic: bool = False,
    status: str = Status.SUBMITTED,
    kind: str = ApplicationKind.NEW,
    street: Street | None = None,
    fee_rule: FeeRule | None = None,
) -> Application:
    number = next(_serial)
    return Application(
        reference=f"BP-S{number:07d}",
        nonce="x",
        status=status,
        kind=kind,
        given_name="Statistik",
        family_name=f"Fall {number}",
        birth_date=date(1980, 1, 1),
        email="statistik@example.org",
        street=street or Street.objects.order_by("pk").first(),
        house_number="1",
        zone=zone,
        plate=f"BOT-S {number % 9999 + 1}",
        use_basis=UseBasis.KEEPER,
        fee_kind=FeeKind.PERMIT_1Y,
        fee_rule=fee_rule or FeeRule.objects.order_by("pk").first(),
        amount=Decimal("30.70"),
        remittance=f"BP-S{number:07d}-XX",
        decided_at=decided_at,
        automatic=automatic,
        created_at=created_at,
    )


def application(**kwargs: object) -> Application:
    with submitted_at_as_given():
        row = application_row(**kwargs)  # type: ignore[arg-type]
        row.save()
    return row


def permit_row(
    *,
    application: Application,
    valid_from: date,
    valid_until: date,
    issued_at: datetime,
    kind: str = PermitKind.RESIDENT,
    revoked_at: datetime | None = None,
    ends_on: date | None = None,
    zone: Zone | None = None,
) -> Permit:
    number = next(_serial)
    return Permit(
        number=f"BOT-S{number:07d}",
        kind=kind,
        application=application,
        zone=zone or application.zone,
        plate=application.plate,
        valid_from=valid_from,
        valid_until=valid_until,
        amount=Decimal("30.70"),
        key_id="test",
        code="x",
        issued_at=issued_at,
        revoked_at=revoked_at,
        ends_on=ends_on,
    )


def permit(**kwargs: object) -> Permit:
    row = permit_row(**kwargs)  # type: ignore[arg-type]
    row.save()
    return row


def tally(*, zone: Zone | None, hour: datetime, lookups: int, allowed: int = 0) -> Any:
    # by name: the enforcement sub-app's tests import these factories (no import cycle)
    model = apps.get_model("parking_enforcement", "LookupTally")
    return model.objects.create(zone=zone, hour=hour, lookups=lookups, allowed=allowed)
