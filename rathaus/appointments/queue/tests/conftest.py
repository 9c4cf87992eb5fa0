import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Refusals are matched by their English msgids."""
    with translation.override("en"):
        yield
