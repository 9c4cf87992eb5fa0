"""The parking-permit office's pages, mounted in the staff shell at /verwaltung/parken/."""

from django.urls import path

from .office import charges_views, move_out_views, refunds_views, statistics_views, views

app_name = "parking_staff"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("antrag/<str:reference>/", views.application_detail, name="application"),
    path("antrag/<str:reference>/entscheiden/", views.application_decide, name="decide"),
    path("antrag/<str:reference>/zahlung/", views.application_pay, name="pay"),
    path("antrag/<str:reference>/widerrufen/", views.permit_revoke_view, name="revoke"),
    path("antrag/<str:reference>/dokument/<int:pk>/", views.document, name="document"),
    path("zonen/", views.zones, name="zones"),
    path("zonen/<slug:slug>/", views.zone_edit, name="zone-edit"),
    path("zonen/<slug:slug>/abschnitte/", views.segments, name="segments"),
    path("zonen/<slug:slug>/abschnitte/<int:pk>/", views.segment_edit, name="segment-edit"),
    path(
        "zonen/<slug:slug>/abschnitte/<int:pk>/loeschen/",
        views.segment_delete_view,
        name="segment-delete",
    ),
    path("gebuehren/", views.fees, name="fees"),
    path("kontoauszug/", views.statement, name="statement"),
    path("register/", views.registers, name="registers"),
    path("statistik/", statistics_views.statistics_page, name="statistics"),
    path("statistik.csv", statistics_views.statistics_csv, name="statistics-csv"),
    path("statistik/<slug:chart>.svg", statistics_views.statistics_chart, name="statistics-chart"),
    path("forderungen/", charges_views.charges, name="charges"),
    path("forderungen/<int:pk>/zahlung/", charges_views.charge_pay, name="charge-pay"),
    path("erstattungen/", refunds_views.refunds, name="refunds"),
    path("erstattungen.csv", refunds_views.refunds_csv, name="refunds-csv"),
    path("erstattungen/<int:pk>/ausgezahlt/", refunds_views.refund_mark_paid, name="refund-paid"),
    path("wegzug/", move_out_views.move_outs, name="move-outs"),
    path(
        "wegzug/<str:number>/aufheben/", move_out_views.move_out_clear_view, name="move-out-clear"
    ),
    path("wegzug/<str:number>/beenden/", move_out_views.move_out_end_view, name="move-out-end"),
]
