"""factory-boy factory of the waiting list: a wish made through the real service
(`wish_create`, then `wish_confirm`), for exactly a free slot's day, venue and time of day
unless told otherwise. Build the venues first (`town()` in `rathaus.weddings.tests.factories`).
"""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from rathaus.core.timezone import BERLIN
from rathaus.weddings.services import Partner
from rathaus.weddings.tests.factories import COUPLES
from rathaus.weddings.waitlist import services


def _criteria_of(slot) -> dict:
    local = slot.start.astimezone(BERLIN)
    return {
        "days": (local.date(),),
        "venues": (slot.venue,),
        "time_of_day": "morning" if local.hour < 12 else "afternoon",
    }


class WishFactory(factory.Factory):
    """A wish in line (confirmed, one second after the previous one so the line has an order);
    `unconfirmed` leaves it waiting for the opt-in. `slot` sets days, venue and time of day;
    any `WishRequest` field overrides them."""

    class Meta:
        model = services.WishRequest

    class Params:
        unconfirmed = factory.Trait(confirm=False)

    slot = None
    couple = 0
    confirm = True
    position = factory.Sequence(lambda n: n + 1)
    email = factory.LazyAttribute(lambda o: f"paar{o.position}@example.org")
    guests = 12
    language = "de"

    @classmethod
    def _create(cls, model_class, *, slot, couple, confirm, position, **kwargs):
        criteria = _criteria_of(slot) if slot is not None else {}
        (g1, f1), (g2, f2) = COUPLES[couple % len(COUPLES)]
        wish = services.wish_create(
            request=model_class(
                partners=(Partner(g1, f1), Partner(g2, f2)), **{**criteria, **kwargs}
            )
        )
        if confirm:
            wish = services.wish_confirm(
                wish=wish,
                token=wish.confirm_token,
                now=timezone.now() + timedelta(seconds=position),
            )
        return wish
