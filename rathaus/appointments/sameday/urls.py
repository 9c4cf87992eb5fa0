"""The same-day draw's addresses: the public pages (`public`, namespace `sameday`, at
/buergerbuero/heute/) and the citizen-office administration's page (`staff`, namespace
`sameday_staff`, at /verwaltung/buergerbuero/heute/)."""

from django.urls import path

from . import staff_views, views

public = (
    [
        path("", views.home, name="home"),
        path("<str:slug>/", views.location_page, name="location"),
        path("<str:slug>/eingegangen/<str:reference>/", views.received, name="received"),
        path("<str:slug>/<str:day>/", views.result, name="result"),
        path("<str:slug>/<str:day>/ergebnis.json", views.result_json, name="result-json"),
    ],
    "sameday",
)

staff = ([path("", staff_views.staff_home, name="home")], "sameday_staff")
