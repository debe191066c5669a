from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from solidarity.staff.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "actor", "action", "target_type", "target_id")
    list_filter = ("action",)
    readonly_fields = ("at", "actor", "action", "target_type", "target_id", "summary")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
