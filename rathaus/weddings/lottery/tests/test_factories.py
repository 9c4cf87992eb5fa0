"""The lottery factories make an open lottery and applications through the services."""

import pytest
from django.utils import timezone

from rathaus.weddings.lottery.constants import LotteryState
from rathaus.weddings.lottery.selectors import lottery_state

from .factories import ApplicationFactory, LotteryFactory

pytestmark = pytest.mark.usefixtures("town")


def test_a_lottery_is_open_now_and_an_application_is_confirmed_with_two_preferences():
    lottery = LotteryFactory()
    assert lottery_state(lottery, timezone.now()) == LotteryState.OPEN
    application = ApplicationFactory(lottery=lottery)
    assert application.email_confirmed_at is not None
    assert application.preferences.count() == 2
    assert (
        ApplicationFactory(lottery=lottery, unconfirmed=True, couple=1).email_confirmed_at is None
    )
