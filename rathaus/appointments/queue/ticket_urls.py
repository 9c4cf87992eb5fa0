"""Addresses of the waiting room's ticket pages (wired in config/urls.py at
/buergerbuero/wartenummer/)."""

from django.urls import path

from . import ticket_views

app_name = "queue_ticket"
urlpatterns = [
    path("<int:pk>/<str:token>/", ticket_views.page, name="page"),
    path("<int:pk>/<str:token>/stand.json", ticket_views.state_json, name="state-json"),
]
