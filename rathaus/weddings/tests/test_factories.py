"""The factories make valid rows through the real services."""

import pytest
from django.db import IntegrityError

from rathaus.scheduling.constants import BookingStatus
from rathaus.scheduling.exceptions import SlotUnavailable
from rathaus.weddings.constants import ReservationStatus
from rathaus.weddings.models import Registrar, Venue

from .factories import RegistrarFactory, ReservationFactory, VenueFactory, free_slots, town

pytestmark = pytest.mark.django_db


def test_a_venue_has_its_resource_and_rules_and_offers_slots_with_a_registrar():
    venue = VenueFactory()
    RegistrarFactory()
    assert venue.resource.kind == "ceremony_room"
    assert venue.resource.weekly_rules.count() == 2
    slots = free_slots(venue)
    assert slots
    assert {slot.start.astimezone(slot.start.tzinfo).weekday() for slot in slots} <= {4, 5}


def test_a_reservation_is_booked_through_the_service_and_holds_its_slot():
    venue = VenueFactory()
    reservation = ReservationFactory(venue=venue)
    assert reservation.status == ReservationStatus.RESERVED
    assert reservation.booking.status == BookingStatus.HOLD
    assert reservation.start not in [slot.start for slot in free_slots(venue)]


def test_a_factory_cannot_book_a_taken_slot():
    venue = VenueFactory()
    RegistrarFactory()
    slot = free_slots(venue)[0]
    ReservationFactory(venue=venue, slot=slot)
    with pytest.raises((SlotUnavailable, IntegrityError)):
        ReservationFactory(venue=venue, slot=slot, couple=1)


def test_traits_confirmed_cancelled_and_pending():
    venue = VenueFactory()
    assert ReservationFactory(venue=venue, pending=True).status == ReservationStatus.PENDING
    assert ReservationFactory(venue=venue, confirmed=True, couple=1).status == (
        ReservationStatus.CONFIRMED
    )
    assert ReservationFactory(venue=venue, cancelled=True, couple=2).status == (
        ReservationStatus.CANCELLED
    )


def test_the_town_has_bottrops_slugs_and_registrars():
    venues = town()
    assert set(venues) == set(Venue.objects.values_list("slug", flat=True))
    assert Registrar.objects.count() == 4
    assert not venues["forsthaus-specht"].active
    assert free_slots(venues["rathaus-trauzimmer"])
