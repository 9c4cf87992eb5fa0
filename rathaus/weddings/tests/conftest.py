import pytest

from rathaus.core.timezone import local_today
from rathaus.weddings.bootstrap import bottrop_data_load

from .factories import town as town_build


@pytest.fixture
def town(db):
    """A small town built with the factories: what most tests need."""
    return town_build()


@pytest.fixture
def bottrop(db):
    """Bottrop's real data: only for the integration tests that prove it works."""
    bottrop_data_load(today=local_today())
