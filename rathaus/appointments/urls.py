"""The citizen's pages of the appointments app, mounted at /buergerbuero/."""

from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path(
        "termin/<str:reference>/bestaetigen/<str:token>/",
        views.ConfirmView.as_view(),
        name="confirm",
    ),
    path("termin/<str:reference>/<str:token>/", views.StatusView.as_view(), name="status"),
    path("termin/<str:reference>/<str:token>/absagen/", views.CancelView.as_view(), name="cancel"),
    path("termin/<str:reference>/<str:token>/termin.ics", views.ics_download, name="ics"),
]
