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
