from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from .kinds import resource_kinds
from .models import Allocation, Booking, Closure, ExtraOpening, Resource, WeeklyRule

# The admin's classes are generic only for the type checker (no django_stubs_ext at run time).
if TYPE_CHECKING:
    from typing import Any

    _TabularInline = admin.TabularInline[Any, Any]
    _ModelAdmin = admin.ModelAdmin[Any]
    _ModelForm = forms.ModelForm[Any]
else:
    _TabularInline = admin.TabularInline
    _ModelAdmin = admin.ModelAdmin
    _ModelForm = forms.ModelForm


class WeeklyRuleInline(_TabularInline):
    model = WeeklyRule
    extra = 0


class ExtraOpeningInline(_TabularInline):
    model = ExtraOpening
    extra = 0


class ResourceForm(_ModelForm):
    kind = forms.ChoiceField(
        label=Resource._meta.get_field("kind").verbose_name, choices=resource_kinds
    )

    class Meta:
        model = Resource
        fields = ["kind", "slug", "name", "active"]


@admin.register(Resource)
class ResourceAdmin(_ModelAdmin):
    form = ResourceForm
    list_display = ["name", "kind", "slug", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "slug"]
    inlines = [WeeklyRuleInline, ExtraOpeningInline]


@admin.register(Closure)
class ClosureAdmin(_ModelAdmin):
    list_display = ["__str__", "resource", "start", "end", "reason", "source"]
    list_filter = ["source"]
    date_hierarchy = "start"


class AllocationInline(_TabularInline):
    model = Allocation
    extra = 0
    readonly_fields = ["resource", "start", "end", "active", "expires_at"]
    can_delete = False


@admin.register(Booking)
class BookingAdmin(_ModelAdmin):
    """Read-only: bookings change only through the booking services."""

    list_display = ["__str__", "purpose", "status", "start", "end", "expires_at"]
    list_filter = ["status", "purpose"]
    date_hierarchy = "start"
    inlines = [AllocationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False
