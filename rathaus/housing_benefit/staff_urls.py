"""The Wohngeldstelle's staff pages, mounted in the staff shell at /verwaltung/wohngeld/."""

from django.urls import path

from . import views

app_name = "housing_benefit_staff"

urlpatterns = [
    path("", views.staff_home, name="home"),
    path("planung/", views.CaseloadPlanView.as_view(), name="caseload-plan"),
    path("berechnung/", views.CalculationView.as_view(), name="calculation"),
    path("berechnung.pdf", views.CalculationPdfView.as_view(), name="calculation-pdf"),
]
