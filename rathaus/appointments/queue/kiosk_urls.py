"""Addresses of the waiting room's kiosk pages (wired in config/urls.py at
/buergerbuero/empfang/): the device setup for staff, then per location the citizen's pages."""

from django.urls import path

from . import kiosk_views

app_name = "queue_kiosk"
urlpatterns = [
    path("einrichten/", kiosk_views.device_setup, name="setup"),
    path("<slug:location>/", kiosk_views.start, name="start"),
    path("<slug:location>/termin/", kiosk_views.appointment, name="appointment"),
    path("<slug:location>/ohne-termin/", kiosk_views.walk_in, name="walk-in"),
    path("<slug:location>/nummer/<int:pk>/<str:token>/", kiosk_views.issued, name="issued"),
]
