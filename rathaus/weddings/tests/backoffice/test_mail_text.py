"""The plain-text part of the couple's e-mails shows text as written, not HTML entities."""

import pytest
from django.core import mail

from rathaus.weddings import services

from .conftest import committed, free_slot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["de", "en"])
def test_plain_text_e_mails_have_no_html_entities(town, language):
    slot = free_slot("schloss-beck")
    mail.outbox.clear()
    with committed():
        services.reservation_create(
            request=services.ReservationRequest(
                venue=slot.venue,
                start=slot.start,
                partners=(services.Partner("Ma'ayan", "Öztürk"), services.Partner("Luca", "Ng")),
                email="paar@example.org",
                guests=10,
                language=language,
            )
        )
    (message,) = mail.outbox
    assert "Ma'ayan" in message.body
    for entity in ("&#x27;", "&quot;", "&amp;", "&lt;", "&gt;", "&#"):
        assert entity not in message.body + message.subject
    html = message.alternatives[0][0]
    assert "Ma&#x27;ayan" in html  # the HTML part stays escaped
