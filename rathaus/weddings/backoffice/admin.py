"""Admin pages for the back office's models.

Loaded by one line in rathaus/weddings/admin.py (Django discovers only the app's own admin
module): `from .backoffice import admin as backoffice_admin  # noqa: F401`.
"""

from django.contrib import admin

from ..models import FeedToken, VenueAgreement, VenueCalendarSource, VenueMembership


@admin.register(VenueMembership)
class VenueMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "venue", "created_at"]
    list_filter = ["venue"]
    search_fields = ["user__username", "user__last_name", "venue__name"]


@admin.register(VenueCalendarSource)
class VenueCalendarSourceAdmin(admin.ModelAdmin):
    list_display = ["venue", "last_imported_at", "last_result"]
    readonly_fields = ["last_imported_at", "last_result"]


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    """Feeds can be looked at and revoked here; new ones are made on the back-office pages."""

    list_display = ["__str__", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["venue", "registrar", "digest", "created_by", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(VenueAgreement)
class VenueAgreementAdmin(admin.ModelAdmin):
    list_display = ["reservation", "agreed", "decided_by", "updated_at"]
    readonly_fields = ["reservation", "agreed", "decided_by"]

    def has_add_permission(self, request):
        return False
