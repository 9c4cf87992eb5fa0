"""The public pages, mounted at /wohngeld/ (see docs/housing-benefit.md); the staff pages are
in `staff_urls`."""

from django.urls import path

from . import views

app_name = "housing_benefit"

urlpatterns = [
    path("", views.PreCheckView.as_view(), name="precheck"),
    path("ergebnis.pdf", views.PreCheckPdfView.as_view(), name="precheck-pdf"),
]
