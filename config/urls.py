from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django_otp.admin import OTPAdminSite

from rathaus.api.api import api
from rathaus.appointments.sameday import urls as sameday_urls
from rathaus.core.redirects import moved_permanently
from rathaus.weddings.lottery import urls as lottery_urls

if settings.RATHAUS_STAFF_OTP_REQUIRED:
    admin.site.__class__ = OTPAdminSite  # /admin/ must not bypass the second factor

# The back office's addresses before the staff shell (docs/decisions/0012-staff-shell.md):
# the first path segment of each, under /verwaltung/, now under /verwaltung/trauungen/.
OLD_BACKOFFICE = (
    "plan|reservierungen|trauorte|mein-plan|standesbeamte|regeln|zusatztermine|schliessungen"
    "|reservierungsregeln|statistik|statistik\\.csv|statistik\\.svg|feed"
)
# The lottery's public pages and its registry-office pages share the namespace `lottery:`.
LOTTERY = (
    [
        path("trauung/verlosung/", include(lottery_urls.public)),
        path("verwaltung/trauungen/verlosung/", include(lottery_urls.staff)),
    ],
    "lottery",
)

urlpatterns = [
    # First: the same-day request form is hammered at the window's opening, and every pattern
    # tried before it costs each of those requests (the prefix is taken by nothing else).
    path("buergerbuero/heute/", include(sameday_urls.public)),
    path("", include("rathaus.core.urls")),
    path("", include("rathaus.accounts.urls")),
    path("", include(LOTTERY)),
    path("trauung/warteliste/", include("rathaus.weddings.waitlist.urls")),
    path("trauung/", include("rathaus.weddings.urls")),
    # The staff shell: its start page, and each domain at /verwaltung/<slug>/
    path("verwaltung/", include("rathaus.accounts.staff_urls")),
    path("verwaltung/datenschutz/", include("rathaus.accounts.privacy_urls")),
    path("verwaltung/trauungen/", include("rathaus.weddings.backoffice.urls")),
    path("verwaltung/wohngeld/", include("rathaus.housing_benefit.staff_urls")),
    path("verwaltung/buergerbuero/", include("rathaus.appointments.staff_urls")),
    path("verwaltung/parken/", include("rathaus.parking_permits.staff_urls")),
    path("wohngeld/", include("rathaus.housing_benefit.urls")),
    path("buergerbuero/abholung/", include("rathaus.appointments.pickup.urls")),
    # The waiting room (docs/appointments-queue.md): the kiosk at the entrance, the ticket on
    # the phone, the call display, and the clerk's workplace.
    path("buergerbuero/empfang/", include("rathaus.appointments.queue.kiosk_urls")),
    path("buergerbuero/wartenummer/", include("rathaus.appointments.queue.ticket_urls")),
    path("buergerbuero/anzeige/", include("rathaus.appointments.queue.display_urls")),
    path("verwaltung/buergerbuero/schalter/", include("rathaus.appointments.queue.workplace_urls")),
    path("verwaltung/buergerbuero/abweichungen/", include("rathaus.appointments.queue.drift_urls")),
    path(
        "verwaltung/buergerbuero/wartebereich-statistik/",
        include("rathaus.appointments.queue.statistics_urls"),
    ),
    path("verwaltung/buergerbuero/abholung/", include("rathaus.appointments.pickup.staff_urls")),
    path("verwaltung/buergerbuero/heute/", include(sameday_urls.staff)),
    path("buergerbuero/", include("rathaus.appointments.urls")),
    path("verwaltung/buergerbuero/statistik/", include("rathaus.appointments.statistics_urls")),
    path("parkausweis/", include("rathaus.parking_permits.urls")),
    path("kontrolle/", include("rathaus.parking_permits.enforcement.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Addresses that moved into the staff shell: bookmarks and calendar subscriptions follow.
    re_path(
        rf"^verwaltung/(?:{OLD_BACKOFFICE})(?:/.*)?$",
        moved_permanently("/verwaltung/", "/verwaltung/trauungen/"),
    ),
    re_path(
        r"^trauung/verlosung/verwaltung/termine/.*$",
        moved_permanently(
            "/trauung/verlosung/verwaltung/termine/", "/verwaltung/trauungen/verlosung/"
        ),
    ),
    re_path(
        r"^wohngeld/(?:planung/|berechnung/|berechnung\.pdf)$",
        moved_permanently("/wohngeld/", "/verwaltung/wohngeld/"),
    ),
]

handler500 = "rathaus.core.failures.server_error"  # 503 + Retry-After when the database is away
