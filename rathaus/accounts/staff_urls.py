"""The staff shell: its start page at /verwaltung/. The domains are mounted below it in
config/urls.py (/verwaltung/<slug>/) and offered through `staff_domains`."""

from django.urls import path

from . import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.staff_home, name="home"),
]
