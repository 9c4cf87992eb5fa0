"""Addresses of the duration drift (wired in config/urls.py at
/verwaltung/buergerbuero/abweichungen/)."""

from django.urls import path

from . import drift_views as views

app_name = "queue_drift"
urlpatterns = [
    path("", views.page, name="page"),
    path("<slug:service>/uebernehmen/", views.adopt, name="adopt"),
]
