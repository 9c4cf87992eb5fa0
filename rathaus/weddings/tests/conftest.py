import pytest

from rathaus.core.timezone import local_today
from rathaus.weddings.bootstrap import bottrop_data_load


@pytest.fixture
def bottrop(db):
    bottrop_data_load(today=local_today())
