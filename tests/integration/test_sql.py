"""The plain-SQL helpers of the reservation path write and read what the ORM would."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from rathaus.audit.models import AuditEntry
from rathaus.core import sql
from rathaus.core.models import OutboxMessage
from rathaus.core.timezone import BERLIN
from rathaus.scheduling.models import Allocation, Booking
from rathaus.scheduling.tests.factories import ResourceFactory
from rathaus.weddings.models import Registrar, Reservation, Venue

pytestmark = pytest.mark.django_db

START = datetime(2027, 3, 28, 2, 30, tzinfo=BERLIN) - timedelta(hours=1)  # the DST night


def _same_as_saved(make, ignore=("id", "created_at", "updated_at")):
    """Inserts one instance with sql.insert and an equal one with save(); compares the rows."""
    raw, saved = sql.insert(make()), make()
    saved.save()
    model = type(raw)
    rows = [model_to_dict(model.objects.get(pk=obj.pk)) for obj in (raw, saved)]
    for row in rows:
        for name in ignore:
            row.pop(name, None)
    assert rows[0] == rows[1]
    assert raw.pk and not raw._state.adding
    return model.objects.get(pk=raw.pk)


def test_a_booking_and_its_allocations():
    resources = [ResourceFactory(), ResourceFactory()]
    booking = _same_as_saved(
        lambda: Booking(
            purpose="test",
            status="pending",
            expires_at=START + timedelta(hours=2),
            start=START,
            end=START + timedelta(minutes=45),
        )
    )
    assert booking.start == START  # aware, exact, across the DST switch
    assert booking.created_at is not None

    sql.insert_many(
        [
            Allocation(booking=booking, resource=resource, start=START, end=booking.end)
            for resource in resources
        ]
    )
    assert sorted(booking.allocations.values_list("resource_id", "active", "start")) == [
        (resources[0].pk, True, START),
        (resources[1].pk, True, START),
    ]


def test_a_reservation_with_decimal_date_and_unicode(bottrop_minimal):
    venue, registrar = bottrop_minimal
    bookings = iter(
        Booking.objects.create(purpose="t", status="pending", start=START, end=START)
        for _ in range(2)
    )
    references = iter(["TK-2027-AAAA", "TK-2027-BBBB"])
    stored = _same_as_saved(
        lambda: Reservation(
            reference=next(references),
            booking=next(bookings),
            venue=venue,
            registrar=registrar,
            status="pending",
            start=START,
            end=START + timedelta(minutes=30),
            partner1_given_name="Çağla",
            partner1_family_name="Öztürk",
            partner2_given_name="محمد",
            partner2_family_name="Nguyễn",
            email="paar@example.org",
            guests=12,
            language="de",
            token_nonce="n" * 32,
            fee_eur=Decimal("120.50"),
            notice_deadline=date(2027, 2, 1),
        ),
        ignore=("id", "created_at", "updated_at", "reference", "booking"),
    )
    assert stored.fee_eur == Decimal("120.50")
    assert stored.partner2_given_name == "محمد"


def test_an_audit_entry_and_an_outbox_message_with_json(bottrop_minimal):
    venue, _registrar = bottrop_minimal
    from django.contrib.contenttypes.models import ContentType

    entry = _same_as_saved(
        lambda: AuditEntry(
            code="test.entry",
            content_type=ContentType.objects.get_for_model(Venue),
            object_id=str(venue.pk),
            object_label="x",
            data={"before": {"label": "Gäste", "value": [1, "zwei"]}},
        )
    )
    assert entry.data == {"before": {"label": "Gäste", "value": [1, "zwei"]}}
    message = _same_as_saved(
        lambda: OutboxMessage(
            to="paar@example.org",
            from_email="standesamt@example.org",
            subject="Betreff",
            text="Text",
            html="<p>Text</p>",
            attachments=[{"filename": "a.ics", "mimetype": "text/calendar", "content": "QQ=="}],
            next_attempt_at=START,
        )
    )
    assert message.attachments[0]["filename"] == "a.ics"


@pytest.fixture
def bottrop_minimal():
    venue = Venue.objects.create(
        resource=ResourceFactory(kind="ceremony_room"),
        slug="test-venue",
        name="Testort",
        max_guests=40,
        fee_eur=Decimal("40"),
        fee_outside_hours_eur=Decimal("120"),
    )
    return venue, Registrar.objects.create(resource=ResourceFactory(kind="registrar"), name="R")


def test_lists_of_placeholders():
    assert sql.placeholders(3) == "%s, %s, %s"
    assert sql.with_lists("a IN ({ids}) AND b IN ({more})", ids=2, more=1) == (
        "a IN (%s, %s) AND b IN (%s)"
    )


def test_unless_taken_writes_nothing_when_the_unique_value_exists(bottrop_minimal):
    venue, registrar = bottrop_minimal

    def reservation(reference):
        booking = Booking.objects.create(purpose="t", status="pending", start=START, end=START)
        return Reservation(
            reference=reference,
            booking=booking,
            venue=venue,
            registrar=registrar,
            status="pending",
            start=START,
            end=START,
            email="a@example.org",
            guests=2,
            language="de",
            token_nonce="n",
            fee_eur=Decimal("40"),
        )

    first = sql.insert(reservation("TK-2027-TAKE"), unless_taken="reference")
    second = sql.insert(reservation("TK-2027-TAKE"), unless_taken="reference")

    assert first is not None and first.pk
    assert second is None
    assert Reservation.objects.filter(reference="TK-2027-TAKE").count() == 1
