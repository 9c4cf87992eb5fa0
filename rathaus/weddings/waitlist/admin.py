from django.contrib import admin

from .models import Offer, Wish


class OfferInline(admin.TabularInline):
    model = Offer
    fields = ("venue", "start", "status", "offered_at", "expires_at", "decided_at", "reservation")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Wish)
class WishAdmin(admin.ModelAdmin):
    """For superusers: the list in line order. Names and addresses only on the detail page."""

    list_display = ("reference", "status", "first_day", "last_day", "guests", "confirmed_at")
    list_filter = ("status",)
    search_fields = ("reference",)
    readonly_fields = ("reference", "token_nonce", "confirmed_at", "ended_at")
    inlines = [OfferInline]
