"""The per-couple limit is counted by the scheduling core: the keys a reservation gives its
booking, how they follow edits and erasure, and the data migrations that move existing rows."""

from __future__ import annotations

import importlib
from datetime import datetime

import pytest
from django.db import connection

from rathaus.core.timezone import BERLIN
from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.models import Booking, BookingIdentity
from rathaus.weddings import services

from .test_release_and_limits import _request, _slots

pytestmark = pytest.mark.usefixtures("town")

keys_migration = importlib.import_module("rathaus.weddings.migrations.0010_booking_identity_keys")
statuses_migration = importlib.import_module("rathaus.scheduling.migrations.0005_general_core")


def _keys(reservation) -> set[str]:
    return set(
        BookingIdentity.objects.filter(booking_id=reservation.booking_id).values_list(
            "key", flat=True
        )
    )


def _reserve():
    now = datetime.now(tz=BERLIN)
    return services.reservation_create(request=_request(_slots(now)[0]), now=now).reservation


def test_a_reservation_gives_its_booking_the_address_and_couple_keys():
    reservation = _reserve()
    assert _keys(reservation) == {
        f"wedding-email:{reservation.email_key}",
        f"wedding-couple:{reservation.couple_key}",
    }


def test_the_keys_follow_an_edited_address_and_vanish_with_an_erasure():
    reservation = _reserve()
    reservation.email = "Neu.Adresse+x@Example.org"
    reservation.save(update_fields=["email", "updated_at"])
    assert f"wedding-email:{reservation.email_key}" in _keys(reservation)
    assert reservation.email_key == "neuadresse@example.org"

    for name in ("email", "partner1_given_name", "partner1_family_name"):
        setattr(reservation, name, "")
    reservation.partner2_given_name = reservation.partner2_family_name = ""
    reservation.save()
    assert _keys(reservation) == set()


def test_migration_copies_the_keys_of_existing_reservations():
    reservation = _reserve()
    expected = _keys(reservation)
    BookingIdentity.objects.all().delete()

    with connection.cursor() as cursor:
        cursor.execute(keys_migration.COPY)
    assert _keys(reservation) == expected

    with connection.cursor() as cursor:
        cursor.execute(keys_migration.FORGET)
    assert _keys(reservation) == set()


def test_migration_turns_pending_and_reserved_bookings_into_holds():
    reservation = _reserve()
    Booking.objects.filter(pk=reservation.booking_id).update(status="reserved")
    forward = statuses_migration.Migration.operations[0]

    with connection.cursor() as cursor:
        cursor.execute(forward.sql)
    assert Booking.objects.get(pk=reservation.booking_id).status == BookingStatus.HOLD
