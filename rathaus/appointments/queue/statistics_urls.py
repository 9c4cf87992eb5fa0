"""The waiting room's statistics, mounted at /verwaltung/buergerbuero/wartebereich-statistik/."""

from django.urls import path

from . import statistics_views

app_name = "queue_statistics"

urlpatterns = [
    path("", statistics_views.statistics_page, name="page"),
    path("statistik.csv", statistics_views.statistics_csv, name="csv"),
    path("statistik.svg", statistics_views.statistics_chart, name="svg"),
]
