"""Addresses of the clerk's workplace and the information desk (wired in config/urls.py at
/verwaltung/buergerbuero/schalter/). A counter's screen is at `platz/<id>/`: the back
office's own `schalter/<id>/` (the counter's hours) comes first in the resolver."""

from django.urls import path

from . import workplace_views as views

app_name = "queue_workplace"
urlpatterns = [
    path("", views.home, name="home"),
    path("platz/<int:pk>/", views.counter, name="counter"),
    path("platz/<int:pk>/weiterleiten/", views.forward, name="forward"),
    path("platz/<int:pk>/dringend/<int:ticket>/", views.urgent, name="urgent"),
    path("platz/<int:pk>/<slug:action>/", views.act, name="act"),
    path("empfang/<slug:location>/", views.desk, name="desk"),
    path("empfang/<slug:location>/termin/", views.desk_reference, name="desk-reference"),
    path("empfang/<slug:location>/person/", views.desk_person, name="desk-person"),
    path("empfang/<slug:location>/nummer/", views.desk_walk_in, name="desk-walk-in"),
]
