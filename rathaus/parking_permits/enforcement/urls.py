"""The enforcement app for officers, mounted at /kontrolle/ (docs/parking-permits.md)."""

from django.urls import path

from . import _revocations_standin, app_views, lookup_views

app_name = "enforcement"

urlpatterns = [
    path("", app_views.app, name="app"),
    path("kennzeichen/", lookup_views.plate_lookup, name="plate"),
    # The installable app (offline QR checks)
    path("manifest.webmanifest", app_views.manifest, name="manifest"),
    path("sw.js", app_views.service_worker, name="sw"),
    # STAND-IN until the server-side branch lands: drop this line and the module at merge.
    path("sperrliste.json", _revocations_standin.revocations, name="revocations"),
]
