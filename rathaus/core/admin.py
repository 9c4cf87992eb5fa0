from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import OutboxMessage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class OutboxStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrOrPromise]]:
        return [("waiting", _("waiting")), ("sent", _("sent")), ("failed", _("given up"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[OutboxMessage]
    ) -> QuerySet[OutboxMessage]:
        if self.value() == "waiting":
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=True)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "failed":
            return queryset.filter(failed_at__isnull=False)
        return queryset


@admin.register(OutboxMessage)
# ModelAdmin is generic only in the stubs; subscripting it fails at run time.
class OutboxMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """E-mails waiting, sent or given up; staff see failures here (the log names only ids)."""

    list_display = ["id", "created_at", "subject", "attempts", "last_error", "sent_at", "failed_at"]
    list_filter = [OutboxStateFilter]
    exclude = ["attachments"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields if f.name != "attachments"]
    ordering = [F("sent_at").desc(nulls_first=True), "-created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False
