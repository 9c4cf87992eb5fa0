from django.contrib import admin

from .models import Lottery


@admin.register(Lottery)
class LotteryAdmin(admin.ModelAdmin):
    """Read-only: nothing about a lottery may be changed by hand (the seed stays hidden)."""

    list_display = ["day", "source", "excluded", "opens_at", "closes_at", "drawn_at"]
    exclude = ["seed"]
    readonly_fields = [
        "day",
        "source",
        "excluded",
        "opens_at",
        "closes_at",
        "seed_commitment",
        "draw_claimed_at",
        "drawn_at",
        "free_slots",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
