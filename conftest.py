"""Suite-wide switches: PostgreSQL-only and browser tests skip with a reason, or fail when required.

REQUIRE_POSTGRES=1 and REQUIRE_BROWSER=1 (set by .ci/run) turn each such skip into a failure.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _on_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _skip_or_fail(requirement: str, reason: str) -> None:
    if os.environ.get(requirement) == "1":
        pytest.fail(f"{requirement}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if "postgres" in item.keywords and not _on_postgres():
        _skip_or_fail(
            "REQUIRE_POSTGRES", "needs PostgreSQL (runs in the PostgreSQL pass of make test)"
        )
    if "browser" in item.keywords and not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
        _skip_or_fail("REQUIRE_BROWSER", f"needs Chromium at {CHROMIUM} (apt-get install chromium)")


# The whole suite can run as if it were another day: RATHAUS_TEST_CLOCK=2027-03-28T01:30+01:00,
# a date (taken at 12:00 Berlin time) or "+200d". The clock then ticks on from that instant in
# this process and in the live server's threads (docs/decisions/0008-tests-and-time.md).
def _test_clock_start(value: str):
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    import time_machine

    berlin = ZoneInfo("Europe/Berlin")
    if value.startswith("+") and value.endswith("d"):
        destination = datetime.now(tz=berlin) + timedelta(days=int(value[1:-1]))
    elif "T" in value:
        destination = datetime.fromisoformat(value)
        if destination.tzinfo is None:
            destination = destination.replace(tzinfo=berlin)
    else:
        day = datetime.fromisoformat(value).date()
        destination = datetime.combine(day, time(12), tzinfo=berlin)
    traveller = time_machine.travel(destination, tick=True)
    traveller.start()
    return destination


def pytest_configure(config):
    value = os.environ.get("RATHAUS_TEST_CLOCK", "").strip()
    if value:
        config._rathaus_clock = _test_clock_start(value)


def pytest_report_header(config):
    moment = getattr(config, "_rathaus_clock", None)
    if moment is not None:
        return f"clock moved to {moment.isoformat()} (RATHAUS_TEST_CLOCK)"
    return None


@pytest.fixture
def rate_window_start(time_machine):
    """Noon in Berlin: rate-limit windows are fixed (per minute, hour or day), and a test that
    counts hits must not straddle two of them, whatever the time of the run."""
    from datetime import datetime, time

    from rathaus.core.timezone import BERLIN, local_today

    time_machine.move_to(datetime.combine(local_today(), time(12), tzinfo=BERLIN))
