"""A wedding reservation walks to the citizen office (issue 14, item 10).

- Before the wedding, the status page offers the appointment for the marriage notice at the
  Standesamt: the citizen office's booking form with the reservation's reference and date
  carried (`rathaus.core.carry`, kind "wedding"), so the clerk sees which wedding it is for.
- After the wedding, it points to the new identity card for the new name.

The weddings app never imports the appointments app: the addresses are plain paths, shown
only while they answer (the template's `live_url`).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from rathaus.core.carry import carry_encode

CARRY_KIND = "wedding"
NOTICE_BOOKING_PATH = "/buergerbuero/termin/"
NOTICE_SERVICE, NOTICE_LOCATION = "eheschliessung-anmeldung", "standesamt"
ID_CARD_PAGE = "/buergerbuero/dienstleistungen/personalausweis/"


def notice_booking_url(*, reference: str, wedding_day: date) -> str:
    carried = carry_encode(CARRY_KIND, {"reference": reference, "date": wedding_day.isoformat()})
    query = urlencode({"service": NOTICE_SERVICE, "location": NOTICE_LOCATION, "carry": carried})
    return f"{NOTICE_BOOKING_PATH}?{query}"
