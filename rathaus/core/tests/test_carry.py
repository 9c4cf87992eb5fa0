from datetime import timedelta

import time_machine
from django.utils import timezone

from rathaus.core.carry import MAX_AGE, carry_decode, carry_encode


def test_carried_data_arrives_unchanged_and_only_as_its_kind():
    token = carry_encode("wohngeld-precheck", {"eligible": True, "amount": "123.00"})
    assert carry_decode(token) == {
        "kind": "wohngeld-precheck",
        "eligible": True,
        "amount": "123.00",
    }
    assert carry_decode(token, kind="wedding") is None


def test_a_forged_or_stale_token_is_refused():
    token = carry_encode("wedding", {"reference": "TK-2027-ABCD"})
    assert carry_decode(token[:-2] + "xx") is None
    assert carry_decode("") is None and carry_decode(None) is None
    with time_machine.travel(timezone.now() + timedelta(seconds=MAX_AGE + 60)):
        assert carry_decode(token) is None
