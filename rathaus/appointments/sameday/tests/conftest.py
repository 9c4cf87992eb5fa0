import pytest

from rathaus.appointments.sameday.services import requests


@pytest.fixture(autouse=True)
def _fresh_windows():
    """The request path caches each draw's window per process; tests reuse primary keys."""
    requests._windows.clear()
    yield
    requests._windows.clear()
