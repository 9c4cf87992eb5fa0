"""A reservation's status page offers the marriage-notice appointment with its reference
carried, and after the wedding the new identity card."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from rathaus.core.carry import carry_decode
from rathaus.core.timezone import BERLIN
from rathaus.weddings.constants import ReservationStatus
from rathaus.weddings.handover import CARRY_KIND, ID_CARD_PAGE

from .factories import ReservationFactory

pytestmark = [
    pytest.mark.usefixtures("town"),
    pytest.mark.urls("rathaus.weddings.tests.urls_booking"),
]

BOOKING = re.compile(r'href="(/buergerbuero/termin/[^"]+)"')


def _status(client, reservation):
    url = f"/trauung/reservierung/{reservation.reference}/{reservation.manage_token}/"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_status_page_offers_the_notice_appointment_with_the_reference(client):
    reservation = ReservationFactory()
    page = _status(client, reservation)
    found = BOOKING.search(page)
    assert found, "no booking link"
    link = urlsplit(html.unescape(found.group(1)))
    query = parse_qs(link.query)
    assert query["service"] == ["eheschliessung-anmeldung"]
    assert query["location"] == ["standesamt"]
    assert carry_decode(query["carry"][0], kind=CARRY_KIND) == {
        "kind": CARRY_KIND,
        "reference": reservation.reference,
        "date": reservation.start.astimezone(BERLIN).date().isoformat(),
    }
    assert ID_CARD_PAGE not in page  # not married yet


def test_no_notice_link_once_the_notice_is_filed_or_the_reservation_is_cancelled(client):
    filed = ReservationFactory(confirmed=True, skip=1)
    assert filed.notice_filed_on and not BOOKING.search(_status(client, filed))
    cancelled = ReservationFactory(cancelled=True, skip=2)
    assert not BOOKING.search(_status(client, cancelled))


def test_after_the_wedding_the_page_lists_what_the_new_identity_card_needs(client, time_machine):
    reservation = ReservationFactory(confirmed=True)
    assert reservation.status == ReservationStatus.CONFIRMED
    before = _status(client, reservation)
    assert ID_CARD_PAGE not in before
    time_machine.move_to(reservation.start + timedelta(days=2))
    after = _status(client, reservation)
    assert f'href="{ID_CARD_PAGE}"' in after
    assert "Die Eheurkunde vom Standesamt" in after and not BOOKING.search(after)
