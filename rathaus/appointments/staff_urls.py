"""The Bürgerbüro's back office, mounted in the staff shell at /verwaltung/buergerbuero/."""

from django.urls import path

from . import staff_views as views

app_name = "appointments_staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("tag/", views.day, name="day"),
    path("buchen/", views.book, name="book"),
    path("termin/<str:reference>/", views.appointment, name="appointment"),
    path("termin/<str:reference>/erledigt/", views.mark_done, name="done"),
    path("termin/<str:reference>/nicht-erschienen/", views.mark_no_show, name="no-show"),
    path("termin/<str:reference>/absagen/", views.cancel, name="cancel"),
    path("termin/<str:reference>/verschieben/", views.move, name="move"),
    path("leistungen/", views.services, name="services"),
    path("leistungen/<slug:slug>/", views.service, name="service"),
    path("leistungen/<slug:slug>/gebuehr/", views.fee_create, name="fee-create"),
    path("leistungen/<slug:slug>/gebuehr/<int:pk>/loeschen/", views.fee_delete, name="fee-delete"),
    path("standorte/", views.locations, name="locations"),
    path("standorte/<slug:slug>/", views.location, name="location"),
    path("standorte/<slug:slug>/schalter/", views.counter_new, name="counter-create"),
    path("standorte/<slug:slug>/schliessung/", views.location_closure, name="location-closure"),
    path("standorte/<slug:slug>/zusatztermin/", views.location_opening, name="location-opening"),
    path("schalter/<int:pk>/", views.counter, name="counter"),
    path("schalter/<int:pk>/zeiten/", views.hours_create, name="hours-create"),
    path("schalter/<int:pk>/zeiten/<int:rule>/", views.hours_change, name="hours-change"),
    path("schalter/<int:pk>/zeiten/<int:rule>/loeschen/", views.hours_remove, name="hours-delete"),
    path("schalter/<int:pk>/abwesenheit/", views.counter_closure, name="counter-closure"),
    path(
        "schalter/<int:pk>/schliessung/<int:closure>/loeschen/",
        views.closure_delete,
        name="closure-delete",
    ),
    path(
        "schalter/<int:pk>/zusatztermin/<int:opening>/loeschen/",
        views.opening_delete,
        name="opening-delete",
    ),
]
