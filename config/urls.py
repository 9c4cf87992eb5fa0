from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from rathaus.api.api import api

if settings.RATHAUS_STAFF_OTP_REQUIRED:
    admin.site.__class__ = OTPAdminSite  # /admin/ must not bypass the second factor

urlpatterns = [
    path("", include("rathaus.core.urls")),
    path("", include("rathaus.accounts.urls")),
    path("trauung/verlosung/", include("rathaus.weddings.lottery.urls")),
    path("trauung/warteliste/", include("rathaus.weddings.waitlist.urls")),
    path("trauung/", include("rathaus.weddings.urls")),
    path("verwaltung/datenschutz/", include("rathaus.accounts.privacy_urls")),
    path("verwaltung/", include("rathaus.weddings.backoffice.urls")),
    path("wohngeld/", include("rathaus.housing_benefit.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler500 = "rathaus.core.failures.server_error"  # 503 + Retry-After when the database is away
