"""Staff login (with django-axes lockout) and the TOTP second factor (django-otp)."""

from django.urls import path

from . import account_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", views.StaffLogoutView.as_view(), name="logout"),
    path("login/zwei-faktor/", views.SecondFactorVerifyView.as_view(), name="otp-verify"),
    path("login/zwei-faktor/einrichten/", views.SecondFactorSetupView.as_view(), name="otp-setup"),
    path("login/sitzung/", views.SessionExtendView.as_view(), name="session-extend"),
    path("login/konto/", account_views.AccountView.as_view(), name="account"),
    path("login/passwort/", account_views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "login/ueberall-abmelden/",
        account_views.LogoutEverywhereView.as_view(),
        name="logout-everywhere",
    ),
]
