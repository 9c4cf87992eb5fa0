"""Addresses of the waiting room's kiosk pages (wired in config/urls.py)."""

from django.urls import path  # noqa: F401 - used once the pages exist

app_name = "queue_kiosk"
urlpatterns: list = []
