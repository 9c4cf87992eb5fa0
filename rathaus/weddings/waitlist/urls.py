from django.urls import path

from . import views

app_name = "waitlist"

urlpatterns = [
    path("", views.WishCreateView.as_view(), name="wish-create"),
    path("eingegangen/", views.WishPendingView.as_view(), name="wish-pending"),
    path(
        "angebot/<str:reference>/<str:token>/ablehnen/",
        views.OfferDeclineView.as_view(),
        name="offer-decline",
    ),
    path(
        "<str:reference>/bestaetigen/<str:token>/",
        views.WishConfirmView.as_view(),
        name="wish-confirm",
    ),
    path("<str:reference>/<str:token>/", views.WishStatusView.as_view(), name="wish-status"),
    path(
        "<str:reference>/<str:token>/zurueckziehen/",
        views.WishWithdrawView.as_view(),
        name="wish-withdraw",
    ),
]
