"""Staff pick-up pages, mounted at /verwaltung/buergerbuero/abholung/."""

from django.urls import path

from . import staff_views

app_name = "pickup_staff"

urlpatterns = [
    path("", staff_views.pickup_list, name="list"),
    path("bereit/", staff_views.pickup_ready, name="ready"),
    path("import/", staff_views.pickup_import, name="import"),
    path("<str:reference>/uebergeben/", staff_views.pickup_handed_over, name="handed-over"),
]
