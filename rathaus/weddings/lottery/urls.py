from django.urls import path

from . import staff_views, views

app_name = "lottery"

A = "bewerbung/<str:reference>/"

urlpatterns = [
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
    # Registry office (the back office's login, second factor and role gate)
    path("verwaltung/termine/", staff_views.StaffLotteryListView.as_view(), name="staff-list"),
    path(
        "verwaltung/termine/<str:day>/",
        staff_views.StaffLotteryDetailView.as_view(),
        name="staff-detail",
    ),
    path(
        "verwaltung/termine/<str:day>/entfernen/",
        staff_views.StaffLotteryUnmarkView.as_view(),
        name="staff-unmark",
    ),
]
