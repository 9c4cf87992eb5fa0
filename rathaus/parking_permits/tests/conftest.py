import pytest

from rathaus.protection.testing import protection_off, rate_limits_off  # noqa: F401


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.PARKING_UPLOAD_ROOT = tmp_path / "uploads"
