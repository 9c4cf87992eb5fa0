"""Addresses of the waiting room's call display (wired in config/urls.py)."""

from django.urls import path, re_path

from . import display_views as views

app_name = "queue_display"
urlpatterns = [
    path("<slug:location>/", views.page, name="page"),
    path("<slug:location>/stand.json", views.state, name="state"),
    re_path(r"^(?P<location>[-\w]+)/ton/(?P<key>[0-9a-f]{64})\.wav$", views.audio, name="audio"),
]
