"""Wishes in requests of data subjects, and no personal data in the jobs' logs."""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from rathaus.core.privacy import privacy_erase, privacy_export
from rathaus.weddings import services as weddings
from rathaus.weddings.waitlist import privacy
from rathaus.weddings.waitlist.models import Offer, Wish

from .conftest import committed, free_slots, reserve, wish_for

pytestmark = pytest.mark.usefixtures("town")


def test_export_and_erasure_of_one_couple_leave_the_others_alone():
    slot = free_slots()[0]
    taken = reserve(slot)
    mine = wish_for(slot, email="wir@example.org")
    other = wish_for(slot, email="andere-paar@example.org")
    with committed():
        weddings.reservation_cancel_by_couple(reservation=taken)
    offer = Offer.objects.get(wish=mine)

    (section,) = privacy.personal_data_for_email("WIR@example.org")
    (record,) = section.records
    assert "Öztürk" in record.values() and "wir@example.org" in record.values()
    assert any(offer.reservation.reference in str(value) for value in record.values())
    assert mine.token_nonce not in str(record)

    with committed():
        erasure = privacy.personal_data_erase_for_email(
            "wir@example.org", actor=None, now=timezone.now()
        )
    assert (erasure.erased, erasure.cancelled) == (1, 1)
    assert not Wish.objects.filter(pk=mine.pk).exists()
    offer.reservation.refresh_from_db()
    assert offer.reservation.status == "cancelled"
    assert Offer.objects.get(wish=other).status == "open"  # the date went on to the next couple
    assert privacy.personal_data_for_email("wir@example.org") == []
    assert (
        privacy.personal_data_erase_for_email(
            "wir@example.org", actor=None, now=timezone.now()
        ).erased
        == 0
    )


def test_the_registry_finds_the_waiting_list():
    wish_for(free_slots()[0], email="registry@example.org")
    export = privacy_export(email="registry@example.org")
    assert any(section.key == "wedding_waitlist.wishes" for _p, section in export.sections)
    with committed():
        result = privacy_erase(email="registry@example.org", actor=None)
    assert result.by_app()["wedding_waitlist"].erased == 1


def test_commands_print_counts_and_log_no_personal_data(caplog):
    slot = free_slots()[0]
    taken = reserve(slot)
    wish = wish_for(slot, email="geheim@example.org")
    caplog.set_level(logging.DEBUG)
    with committed():
        weddings.reservation_cancel_by_couple(reservation=taken)
        for name in ("waitlist_match", "waitlist_erase_personal_data"):
            out = StringIO()
            call_command(name, stdout=out)
            assert out.getvalue().strip()
    assert Offer.objects.filter(wish=wish).exists()
    for secret in ("geheim", "Öztürk", wish.reference, "TK-"):
        assert secret not in caplog.text
