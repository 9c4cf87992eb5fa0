"""Requests of data subjects, for staff: mounted at /verwaltung/datenschutz/."""

from django.urls import path

from . import privacy_views

app_name = "privacy"

urlpatterns = [
    path("", privacy_views.PrivacyRequestView.as_view(), name="request"),
    path("auskunft.json", privacy_views.PrivacyExportJsonView.as_view(), name="export-json"),
    path("loeschen/", privacy_views.PrivacyEraseView.as_view(), name="erase"),
]
