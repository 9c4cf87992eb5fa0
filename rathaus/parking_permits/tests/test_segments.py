"""Staff edit a zone's streets and house numbers: validated, audited, and the pre-check follows."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from rathaus.accounts import roles
from rathaus.accounts.services import roles_ensure
from rathaus.audit.models import AuditEntry
from rathaus.parking_permits import selectors
from rathaus.parking_permits.constants import Side
from rathaus.parking_permits.models import ImportRun, RegisteredResident, Street, ZoneSegment
from rathaus.parking_permits.services.office import (
    SegmentRejected,
    segment_create,
    segment_delete,
    segment_update,
    segments_overlap,
)

pytestmark = pytest.mark.django_db
DAY = date(2027, 3, 1)


@pytest.fixture
def office(client):
    roles_ensure()
    user = User.objects.create_user("parken", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.PARKING_OFFICE))
    client.force_login(user)
    return user


def _street(name: str) -> Street:
    street = selectors.street_find(name)
    assert street is not None
    return street


def _segment(street: str, first: int, last: int, side: str = Side.ALL) -> ZoneSegment:
    return ZoneSegment(street=_street(street), first_number=first, last_number=last, side=side)


@pytest.mark.parametrize(
    ("one", "other", "expected"),
    [
        ((1, 9, Side.ODD), (2, 10, Side.EVEN), False),  # the two sides of a street
        ((1, 9, Side.ODD), (9, 20, Side.ALL), True),  # 9 is in both
        ((1, 9, Side.ALL), (10, 20, Side.ALL), False),  # adjacent
        ((1, 8, Side.ODD), (8, 20, Side.ODD), False),  # shared number 8 is even
        ((2, 2, Side.ALL), (1, 3, Side.ODD), False),
        ((1, 99, Side.ODD), (51, 51, Side.ODD), True),
    ],
)
def test_overlap_counts_only_house_numbers_on_both_segments(one, other, expected):
    first = _segment("Hochstraße", *one)
    second = _segment("Hochstraße", *other)
    assert segments_overlap(first, second) is expected
    assert segments_overlap(second, first) is expected


def test_a_segment_is_added_changed_and_deleted_with_audit(office):
    zone = selectors.zone_get("brauerstrasse")
    street = _street("Hochstraße")
    segment = segment_create(
        zone=zone, street=street, first_number=1, last_number=15, side=Side.ODD, actor=office
    )
    assert selectors.precheck("Hochstraße", "7", on=DAY).zone == zone
    assert selectors.precheck("Hochstraße", "8", on=DAY).zone is None

    segment_update(segment=segment, actor=office, last_number=21, side=Side.ALL)
    assert selectors.precheck("Hochstraße", "20", on=DAY).zone == zone

    segment_delete(segment=segment, actor=office)
    assert selectors.precheck("Hochstraße", "7", on=DAY).zone is None

    entries = AuditEntry.objects.filter(code__startswith="parking.segment.").order_by("pk")
    assert [e.code for e in entries] == [
        "parking.segment.created",
        "parking.segment.updated",
        "parking.segment.deleted",
    ]
    created, updated, deleted = entries
    assert created.object_label == zone.name and created.actor == office
    assert created.data["segment"] == "Hochstraße 1–15 (odd numbers)"
    assert {c["field"]: (c["before"], c["after"]) for c in updated.data["changes"]} == {
        "last_number": (15, 21),
        "side": ("odd numbers", "both sides"),
    }
    assert {c["field"]: c["before"] for c in deleted.data["changes"]} == {
        "street": "Hochstraße",
        "first_number": 1,
        "last_number": 21,
        "side": "both sides",
    }
    assert all(c["after"] is None for c in deleted.data["changes"])


def test_an_unchanged_segment_writes_no_entry(office):
    segment = ZoneSegment.objects.get(street__name="Brauerstraße")
    segment_update(segment=segment, actor=office, first_number=1)
    assert not AuditEntry.objects.filter(code="parking.segment.updated").exists()


def test_reversed_and_overlapping_ranges_are_refused_in_german(office):
    zone = selectors.zone_get("brauerstrasse")
    other = selectors.zone_get("osterfelder-strasse")
    with translation.override("de"):
        with pytest.raises(SegmentRejected) as reversed_range:
            segment_create(
                zone=zone,
                street=_street("Hochstraße"),
                first_number=20,
                last_number=10,
                side=Side.ALL,
                actor=office,
            )
        assert "umgekehrt" in reversed_range.value.message
        with pytest.raises(SegmentRejected) as overlap:
            segment_create(
                zone=zone,
                street=_street("Osterfelder Straße"),
                first_number=95,
                last_number=120,
                side=Side.ALL,
                actor=office,
            )
        assert "Osterfelder Straße 1–99" in overlap.value.message
        assert other.name in overlap.value.message
    # the even side beyond the zone's 100 is free
    segment_create(
        zone=zone,
        street=_street("Osterfelder Straße"),
        first_number=102,
        last_number=120,
        side=Side.EVEN,
        actor=office,
    )
    assert not AuditEntry.objects.filter(code="parking.segment.created", object_id=other.pk)


def test_a_change_may_not_move_a_segment_onto_another(office):
    zone = selectors.zone_get("osterfelder-strasse")
    odd = ZoneSegment.objects.get(zone=zone, side=Side.ODD)
    with pytest.raises(SegmentRejected):
        segment_update(segment=odd, actor=office, side=Side.ALL)
    odd.refresh_from_db()
    assert odd.side == Side.ODD
    segment_update(segment=odd, actor=office, last_number=101)  # its own range may grow


def test_office_pages_list_add_change_and_delete_segments(client, office):
    page = client.get(reverse("parking_staff:segments", args=["brauerstrasse"]))
    assert page.status_code == 200 and "Brauerstraße" in page.content.decode()
    street = _street("Hochstraße")
    url = reverse("parking_staff:segments", args=["brauerstrasse"])
    refused = client.post(
        url, {"street": street.pk, "first_number": "9", "last_number": "3", "side": "all"}
    )
    assert refused.status_code == 200
    assert "umgekehrt" in refused.content.decode()
    added = client.post(
        url, {"street": street.pk, "first_number": "3", "last_number": "9", "side": "odd"}
    )
    assert added.status_code == 302
    segment = ZoneSegment.objects.get(street=street)
    history = client.get(url).content.decode()
    assert "Hochstraße 3–9 (ungerade Hausnummern)" in history
    edit_url = reverse("parking_staff:segment-edit", args=["brauerstrasse", segment.pk])
    assert client.get(edit_url).status_code == 200
    changed = client.post(
        edit_url, {"street": street.pk, "first_number": "3", "last_number": "11", "side": "odd"}
    )
    assert changed.status_code == 302
    segment.refresh_from_db()
    assert segment.last_number == 11
    # a segment of another zone is not reachable under this zone
    other = ZoneSegment.objects.filter(zone__slug="osterfelder-strasse").first()
    wrong = reverse("parking_staff:segment-edit", args=["brauerstrasse", other.pk])
    assert client.get(wrong).status_code == 404
    delete = reverse("parking_staff:segment-delete", args=["brauerstrasse", segment.pk])
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 302
    assert not ZoneSegment.objects.filter(pk=segment.pk).exists()


def test_the_demo_command_is_idempotent_and_keeps_real_extracts():
    out = StringIO()
    call_command("parking_demo", "--force", stdout=out)
    runs = ImportRun.objects.count()
    call_command("parking_demo", "--force", stdout=out)
    assert ImportRun.objects.count() == runs
    RegisteredResident.objects.filter(given_name="Max").delete()  # stands for a real import
    left = RegisteredResident.objects.count()
    call_command("parking_demo", "--force", stdout=out)
    assert RegisteredResident.objects.count() == left
    call_command("parking_demo", "--force", "--replace", stdout=out)
    assert RegisteredResident.objects.count() == left + 1


@pytest.mark.django_db(transaction=True)
def test_the_cached_pre_check_sees_an_added_segment_at_once():
    from django.apps import apps

    from rathaus.core.revision import cache_clear
    from rathaus.parking_permits.bootstrap import bottrop_parking_load

    bottrop_parking_load(apps)  # a transactional test starts from emptied tables
    cache_clear()
    assert selectors.precheck("Hochstraße", "5", on=DAY).zone is None
    assert selectors.precheck("Hochstraße", "5", on=DAY).zone is None  # now from the cache
    zone = selectors.zone_get("brauerstrasse")
    segment_create(
        zone=zone,
        street=_street("Hochstraße"),
        first_number=1,
        last_number=9,
        side=Side.ALL,
        actor=None,
    )
    assert selectors.precheck("Hochstraße", "5", on=DAY).zone.slug == "brauerstrasse"
