from django.contrib import admin

from .models import Allocation, Booking, Closure, ExtraOpening, Resource, WeeklyRule


class WeeklyRuleInline(admin.TabularInline):
    model = WeeklyRule
    extra = 0


class ExtraOpeningInline(admin.TabularInline):
    model = ExtraOpening
    extra = 0


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "slug"]
    inlines = [WeeklyRuleInline, ExtraOpeningInline]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["__str__", "resource", "start", "end", "reason", "source"]
    list_filter = ["source"]
    date_hierarchy = "start"


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    readonly_fields = ["resource", "start", "end", "active", "expires_at"]
    can_delete = False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: bookings change only through the booking services."""

    list_display = ["__str__", "purpose", "status", "start", "end", "expires_at"]
    list_filter = ["status", "purpose"]
    date_hierarchy = "start"
    inlines = [AllocationInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
