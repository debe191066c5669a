"""Read-only views of the ledger: rows are posted by services, never edited here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from solidarity.core.admin_money import MoneyColumn
from solidarity.ledger.models import Account, Posting, Transaction


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PostingInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Posting
    extra = 0
    can_delete = False
    fields = readonly_fields = ("account", "amount_display")
    amount_display = MoneyColumn()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "owner", "purpose", "kind", "currency")
    list_filter = ("purpose", "currency")


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "owner", "occurred_on", "memo", "reverses", "created_by")
    list_filter = ("kind",)
    date_hierarchy = "occurred_on"
    inlines = [PostingInline]
