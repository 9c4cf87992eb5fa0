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
