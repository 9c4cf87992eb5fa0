"""Public pages, mounted at /parkausweis/ (docs/parking-permits.md); staff pages: staff_urls."""

from django.urls import path

from . import changes_views, renewal_views, views, visitor_views

app_name = "parking_permits"

urlpatterns = [
    path("", views.precheck, name="precheck"),
    path("antrag/", views.apply, name="apply"),
    path("antrag/<str:reference>/<str:token>/", views.status, name="status"),
    path(
        "antrag/<str:reference>/<str:token>/ausweis.pdf", views.permit_download, name="permit-pdf"
    ),
    path(
        "antrag/<str:reference>/<str:token>/bescheid.pdf",
        views.refusal_download,
        name="refusal-pdf",
    ),
    path("antrag/<str:reference>/<str:token>/besuch/", visitor_views.buy, name="visitor-buy"),
    path(
        "antrag/<str:reference>/<str:token>/besuch/<str:number>/ausweis.pdf",
        visitor_views.permit_download,
        name="visitor-pdf",
    ),
    path(
        "antrag/<str:reference>/<str:token>/besuch/<str:number>/stornieren/",
        visitor_views.cancel,
        name="visitor-cancel",
    ),
    # Renewal and change of plate by the holder (renewal_views)
    path("antrag/<str:reference>/<str:token>/verlaengern/", renewal_views.renew, name="renew"),
    path(
        "antrag/<str:reference>/<str:token>/kennzeichen/",
        renewal_views.plate_change,
        name="plate-change",
    ),
    path(
        "antrag/<str:reference>/<str:token>/automatisch/",
        renewal_views.auto_renew,
        name="auto-renew",
    ),
    # Changes by the holder (changes_views)
    path(
        "antrag/<str:reference>/<str:token>/ersatzfahrzeug/",
        changes_views.temporary,
        name="temporary",
    ),
    path(
        "antrag/<str:reference>/<str:token>/ersatzfahrzeug/<str:number>/beenden/",
        changes_views.temporary_stop,
        name="temporary-end",
    ),
    path(
        "antrag/<str:reference>/<str:token>/ausweis/<str:number>.pdf",
        changes_views.permit_file,
        name="permit-file",
    ),
    path("antrag/<str:reference>/<str:token>/verloren/", changes_views.lost, name="lost"),
    path("antrag/<str:reference>/<str:token>/rueckgabe/", changes_views.cancel, name="cancel"),
    path("pruefen/", views.verify, name="verify"),
    path("schluessel.json", views.public_keys, name="keys"),
]
