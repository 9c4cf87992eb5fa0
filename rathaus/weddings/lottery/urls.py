"""The lottery's addresses, in one namespace (`lottery:`) with two mount points in
config/urls.py: the public pages (`public`, at /trauung/verlosung/) and the registry office's
pages in the staff shell (`staff`, at /verwaltung/trauungen/verlosung/, the back office's
login, second factor and role gate)."""

from django.urls import path

from . import staff_views, views

app_name = "lottery"

A = "bewerbung/<str:reference>/"

public = [
    path("", views.LotteryListView.as_view(), name="list"),
    path("<str:day>/", views.LotteryDetailView.as_view(), name="detail"),
    path("<str:day>/ergebnis.json", views.ResultDocumentView.as_view(), name="result-json"),
    path(f"{A}eingegangen/", views.ApplicationPendingView.as_view(), name="application-pending"),
    path(
        f"{A}bestaetigen/<str:token>/",
        views.ApplicationConfirmView.as_view(),
        name="application-confirm",
    ),
    path(f"{A}<str:token>/", views.ApplicationStatusView.as_view(), name="application-status"),
]

staff = [
    path("", staff_views.StaffLotteryListView.as_view(), name="staff-list"),
    path("<str:day>/", staff_views.StaffLotteryDetailView.as_view(), name="staff-detail"),
    path("<str:day>/entfernen/", staff_views.StaffLotteryUnmarkView.as_view(), name="staff-unmark"),
]
