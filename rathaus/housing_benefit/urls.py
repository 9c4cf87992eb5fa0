"""Mounted at /wohngeld/ (see docs/housing-benefit.md)."""

from django.urls import path

from . import views

app_name = "housing_benefit"

urlpatterns = [
    path("", views.PreCheckView.as_view(), name="precheck"),
    path("ergebnis.pdf", views.PreCheckPdfView.as_view(), name="precheck-pdf"),
    path("berechnung/", views.CalculationView.as_view(), name="calculation"),
    path("berechnung.pdf", views.CalculationPdfView.as_view(), name="calculation-pdf"),
    path("planung/", views.CaseloadPlanView.as_view(), name="caseload-plan"),
]
