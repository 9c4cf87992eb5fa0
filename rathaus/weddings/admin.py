from django.contrib import admin

from .models import Registrar, Reservation, ReservationPolicy, Venue


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "max_guests", "step_free", "outdoor_possible", "active"]
    list_filter = ["district", "active", "official_room"]
    search_fields = ["name", "slug", "address"]


@admin.register(Registrar)
class RegistrarAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "user"]


@admin.register(ReservationPolicy)
class ReservationPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "min_lead_days", "horizon_months", "pending_hold_minutes"]


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ["reference", "venue", "start", "status"]
    list_filter = ["status", "venue"]
    readonly_fields = [f.name for f in Reservation._meta.fields]

    def has_add_permission(self, request):
        return False


from .backoffice import admin as backoffice_admin  # noqa: E402, F401 - memberships, feeds …
