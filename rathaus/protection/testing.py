"""Helpers for tests that go through protected forms or endpoints.

- `altcha_solved()` returns a valid, unused proof-of-work payload (solved in Python; the test
  settings make challenges cheap). Send it as form field `altcha` or header `X-Altcha`.
- Fixtures `protection_off` and `rate_limits_off` switch one protection off for a test;
  import them into a test module (or conftest) and use `pytest.mark.usefixtures(...)`.
"""

from __future__ import annotations

import altcha
import pytest

from .services import altcha_challenge_create


def altcha_solved() -> str:
    challenge = altcha.Challenge.from_dict(altcha_challenge_create())
    solution = altcha.solve_challenge(challenge, timeout=30)
    assert solution is not None, "the test challenge could not be solved"
    return altcha.Payload(challenge, solution).to_base64()


@pytest.fixture
def protection_off(settings):
    settings.RATHAUS_BOT_PROTECTION = False


@pytest.fixture
def rate_limits_off(settings):
    settings.RATHAUS_RATE_LIMITS = False
