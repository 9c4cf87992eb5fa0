"""The site's URLs plus two views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def _denied(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("boom (test)")


urlpatterns = [
    path("test-fehler/verweigert/", _denied),
    path("test-fehler/kaputt/", _broken),
    *site_urlpatterns,
]

handler500 = "rathaus.core.failures.server_error"
