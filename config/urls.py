from django.contrib import admin
from django.urls import include, path

from rathaus.api.api import api

urlpatterns = [
    path("", include("rathaus.core.urls")),
    path("trauung/", include("rathaus.weddings.urls")),
    path("wohngeld/", include("rathaus.housing_benefit.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
