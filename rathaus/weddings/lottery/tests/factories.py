"""factory-boy factories of the lottery: a staff lottery open now, applications made through
the real service (`application_submit`, then the e-mail confirmation).

The day of a lottery comes from the data: the first ordinary date 40–120 days ahead with enough
free times (docs/decisions/0008-tests-and-time.md). Build the venues first (`town()` in
`rathaus.weddings.tests.factories`).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from rathaus.core.timezone import local_today
from rathaus.weddings.dates import is_high_demand
from rathaus.weddings.lottery import pure_draw, services
from rathaus.weddings.lottery.constants import LotterySource
from rathaus.weddings.lottery.models import Lottery
from rathaus.weddings.lottery.slots import lottery_slots_offered
from rathaus.weddings.selectors import ceremony_slots_free
from rathaus.weddings.services import Partner
from rathaus.weddings.tests.factories import COUPLES


def lottery_day(min_slots: int = 4):
    """A date 40–120 days ahead, not a Schnapszahl date, with at least `min_slots` free times."""
    first = local_today() + timedelta(days=40)
    by_day: dict = {}
    for slot in ceremony_slots_free(first=first, last=first + timedelta(days=80)):
        by_day.setdefault(slot.day, []).append(slot)
    for day, day_slots in sorted(by_day.items()):
        if not is_high_demand(day) and len(day_slots) >= min_slots:
            return day
    raise AssertionError("no suitable day in the data")


class LotteryFactory(factory.django.DjangoModelFactory):
    """A staff lottery whose application window opened an hour ago and closes in `days_open`
    days; the seed is fresh and its commitment was shown before the window opened."""

    class Meta:
        model = Lottery
        exclude = ("now", "days_open")

    now = factory.LazyFunction(timezone.now)
    days_open = 7
    day = factory.LazyFunction(lottery_day)
    source = LotterySource.STAFF
    opens_at = factory.LazyAttribute(lambda o: o.now - timedelta(hours=1))
    closes_at = factory.LazyAttribute(lambda o: o.now + timedelta(days=o.days_open))
    commitment_shown_at = factory.LazyAttribute(
        lambda o: min(o.opens_at, o.now) - timedelta(minutes=1)
    )
    seed = factory.LazyFunction(lambda: secrets.token_bytes(32).hex())
    seed_commitment = factory.LazyAttribute(lambda o: pure_draw.seed_commitment(o.seed))


class ApplicationFactory(factory.Factory):
    """An application through `application_submit`, confirmed by e-mail unless `unconfirmed`.
    `preferences` are offered slots (default: the lottery's first two)."""

    class Meta:
        model = services.ApplicationRequest

    class Params:
        unconfirmed = factory.Trait(email_confirmed=False)

    lottery = factory.SubFactory(LotteryFactory)
    preferences = None
    couple = 0
    email = factory.Sequence(lambda n: f"bewerbung{n}@example.org")
    guests = 10
    language = "de"
    email_confirmed = True
    now = None

    @classmethod
    def _create(cls, model_class, *, lottery, preferences, couple, email_confirmed, now, **kw):
        if preferences is None:
            preferences = lottery_slots_offered(lottery, now or timezone.now())[:2]
        (g1, f1), (g2, f2) = COUPLES[couple % len(COUPLES)]
        application = services.application_submit(
            lottery=lottery,
            request=model_class(
                partners=(Partner(g1, f1), Partner(g2, f2)),
                preferences=tuple((slot.venue, slot.start) for slot in preferences),
                **kw,
            ),
            now=now,
        )
        if email_confirmed:
            application = services.application_confirm_email(
                application=application, token=application.confirm_token, now=now
            )
        return application
