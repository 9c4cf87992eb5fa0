from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("datenschutz/", views.PrivacyView.as_view(), name="privacy"),
    path("barrierefreiheit/", views.AccessibilityView.as_view(), name="accessibility"),
    path(
        "barrierefreiheit/rueckmeldung-gesendet/",
        views.AccessibilityFeedbackSentView.as_view(),
        name="accessibility-sent",
    ),
    path("impressum/", views.ImprintView.as_view(), name="imprint"),
    path("healthz", views.healthz, name="healthz"),
]
