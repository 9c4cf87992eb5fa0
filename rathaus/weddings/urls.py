from django.urls import path

from . import views

app_name = "weddings"

urlpatterns = [
    path("", views.SearchView.as_view(), name="search"),
    path("naechste-termine/", views.NextFreeView.as_view(), name="next-free"),
    path("orte/<slug:slug>/", views.VenueDetailView.as_view(), name="venue"),
    path(
        "reservieren/<slug:slug>/<int:start>/",
        views.ReservationCreateView.as_view(),
        name="reserve",
    ),
    path(
        "reservierung/<str:reference>/eingegangen/",
        views.ReservationPendingView.as_view(),
        name="reservation-pending",
    ),
    path(
        "reservierung/<str:reference>/bestaetigen/<str:token>/",
        views.ReservationConfirmView.as_view(),
        name="reservation-confirm",
    ),
    path(
        "reservierung/<str:reference>/<str:token>/",
        views.ReservationStatusView.as_view(),
        name="reservation-status",
    ),
    path(
        "reservierung/<str:reference>/<str:token>/kalender.ics",
        views.ReservationIcsView.as_view(),
        name="reservation-ics",
    ),
    path(
        "reservierung/<str:reference>/<str:token>/stornieren/",
        views.ReservationCancelView.as_view(),
        name="reservation-cancel",
    ),
]
