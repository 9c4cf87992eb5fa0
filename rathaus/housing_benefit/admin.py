from django.contrib import admin

from .models import PreCheckMonthlyCount


@admin.register(PreCheckMonthlyCount)
class PreCheckMonthlyCountAdmin(admin.ModelAdmin):
    list_display = ["month", "checks", "positive"]
    readonly_fields = ["month", "checks", "positive"]

    def has_add_permission(self, request):
        return False
