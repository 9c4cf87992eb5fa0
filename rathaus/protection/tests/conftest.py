import pytest

from rathaus.core.timezone import local_today
from rathaus.protection.testing import protection_off, rate_limits_off  # noqa: F401


@pytest.fixture
def bottrop(db):
    from rathaus.weddings.bootstrap import bottrop_data_load

    bottrop_data_load(today=local_today())
