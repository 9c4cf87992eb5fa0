"""The citizen's pages of the appointments app, mounted at /buergerbuero/."""

from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("", views.start, name="start"),
    path("dienstleistungen/", views.service_list, name="services"),
    path("dienstleistungen/<slug:slug>/", views.service_detail, name="service"),
    path("status/", views.public_status, name="public-status"),
    path("status.json", views.public_status_json, name="public-status-json"),
    path("warteliste/", views.standby_start, name="standby"),
    path("warteliste/eingetragen/<str:reference>/", views.standby_sent, name="standby-sent"),
    path("warteliste/<slug:location>/", views.StandbyJoinView.as_view(), name="standby-join"),
    # The booking flow. Its addresses come before the appointment's own (termin/<ref>/<token>/).
    path("termin/", views.book_start, name="book"),
    path("termin/gesendet/<str:reference>/", views.book_sent, name="book-sent"),
    path("termin/<slug:location>/", views.book_needs, name="book-needs"),
    path("termin/<slug:location>/zeiten/", views.book_times, name="book-times"),
    path("termin/<slug:location>/halten/", views.book_hold, name="book-hold"),
    path(
        "termin/<str:reference>/angaben/<str:token>/",
        views.DetailsView.as_view(),
        name="book-details",
    ),
    path(
        "termin/<str:reference>/freigeben/<str:token>/",
        views.book_release,
        name="book-release",
    ),
    path(
        "termin/<str:reference>/bestaetigen/<str:token>/",
        views.ConfirmView.as_view(),
        name="confirm",
    ),
    path("termin/<str:reference>/<str:token>/", views.StatusView.as_view(), name="status"),
    path("termin/<str:reference>/<str:token>/absagen/", views.CancelView.as_view(), name="cancel"),
    path("termin/<str:reference>/<str:token>/termin.ics", views.ics_download, name="ics"),
]

# Reminders and reconfirmation (one-tap pages: GET shows a button, POST acts)
from . import reminder_views  # noqa: E402

urlpatterns += [
    path(
        "termin/<str:reference>/<str:token>/ich-komme/",
        reminder_views.ComingView.as_view(),
        name="coming",
    ),
    path(
        "termin/<str:reference>/<str:token>/rueckbestaetigen/",
        reminder_views.ReconfirmView.as_view(),
        name="reconfirm",
    ),
]
