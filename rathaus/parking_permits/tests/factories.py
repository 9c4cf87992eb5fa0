"""Test data: register rows and a submitted application through the real service."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from rathaus.parking_permits import selectors
from rathaus.parking_permits.constants import FeeKind, UseBasis
from rathaus.parking_permits.models import Application, RegisteredResident, RegisteredVehicle
from rathaus.parking_permits.services.applications import ApplicationInput, application_submit
from rathaus.parking_permits.services.payments import payment_record

BIRTH = date(1985, 4, 30)
NOW = datetime(2027, 3, 10, 10, 0, tzinfo=timezone.get_default_timezone())


def resident(
    *, given="Erika", family="Muster", street="osterfelderstrasse", number="15", residence="main"
):
    return RegisteredResident.objects.create(
        given_name=given,
        family_name=family,
        birth_date=BIRTH,
        street_key=street,
        house_number=number,
        residence=residence,
        imported_at=NOW,
    )


def vehicle(*, plate="BOT-EM 42", given="Erika", family="Muster", birth=BIRTH):
    return RegisteredVehicle.objects.create(
        plate=plate,
        keeper_given_name=given,
        keeper_family_name=family,
        keeper_birth_date=birth,
        imported_at=NOW,
    )


def submit(
    *,
    given="Erika",
    family="Muster",
    plate="BOT-EM 42",
    number="15",
    use_basis=UseBasis.KEEPER,
    fee_kind=FeeKind.PERMIT_1Y,
    documents=(),
    email="erika@example.org",
    now=NOW,
) -> Application:
    street = selectors.street_find("Osterfelder Straße")
    zone = selectors.zone_for_address(street, int(number.rstrip("abc")))
    return application_submit(
        data=ApplicationInput(
            given_name=given,
            family_name=family,
            birth_date=BIRTH,
            email=email,
            phone="",
            street=street,
            house_number=number,
            zone=zone,
            plate=plate,
            use_basis=use_basis,
            keeper_name="" if use_basis == UseBasis.KEEPER else "Firma GmbH",
            car_sharing_provider="",
            no_garage_confirmed=True,
            fee_kind=fee_kind,
            language="de",
            documents=list(documents),
        ),
        now=now,
    )


AMOUNT_1Y = Decimal("30.70")


def paid(application: Application, *, now: datetime = NOW) -> Application:
    """The fee paid at the counter on `now`'s day; an approved application's permit is issued."""
    payment_record(
        application=application,
        amount=application.amount,
        source="counter",
        booked_on=timezone.localdate(now),
        actor=None,
        now=now,
    )
    application.refresh_from_db()
    return application
