"""The enforcement app for officers, mounted at /kontrolle/ (docs/parking-permits.md)."""

from django.urls import path

from . import app_views, log_views, lookup_views

app_name = "enforcement"

urlpatterns = [
    path("", app_views.app, name="app"),
    path("kennzeichen/", lookup_views.plate_lookup, name="plate"),
    path("api/kennzeichen/", lookup_views.plate_api, name="plate-api"),
    path("sperrliste.json", lookup_views.revocations, name="revocations"),
    path("protokoll/", log_views.lookup_log, name="log"),
    # The installable app (offline QR checks)
    path("manifest.webmanifest", app_views.manifest, name="manifest"),
    path("sw.js", app_views.service_worker, name="sw"),
]
