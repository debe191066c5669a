"""Back office for donations: read-only rows; recording and reversing go through services.

Rails add their own actions (a card refund) by extending DonationAdmin from payments.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from solidarity.core.errors import DomainError
from solidarity.donations import services
from solidarity.donations.admin_search import DONATION_FILTERS, DonationSearchMixin
from solidarity.donations.forms import StaffDonationForm
from solidarity.donations.models import Donation, Pledge


@admin.register(Donation)
class DonationAdmin(DonationSearchMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "campaign", "amount_display", "channel", "status", "received_on", "public_name")
    list_filter = DONATION_FILTERS
    search_fields = ("campaign__slug", "public_name")
    readonly_fields = [f.name for f in Donation._meta.fields if f.name not in ("sealed_secret", "secret_key")]
    exclude = ("sealed_secret", "secret_key", "receipt_code_hash")
    # The card rail adds "refund_by_card" (admin_refunds in the payments app).
    actions = ["reverse_selected"]

    @admin.display(description="amount")
    def amount_display(self, obj: Donation) -> str:
        return str(obj.money)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        custom = [path("record/", self.admin_site.admin_view(self.record_view), name="donations_donation_record")]
        return custom + super().get_urls()

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return redirect("admin:donations_donation_record")

    def record_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StaffDonationForm(request.POST or None)
        receipt_code = None
        if request.method == "POST" and form.is_valid():
            try:
                recorded = services.record_staff_donation(
                    campaign=form.cleaned_data["campaign"],
                    amount=form.cleaned_data["money"],
                    channel=form.cleaned_data["channel"],
                    actor=request.user,
                    received_on=form.cleaned_data["received_on"],
                    public_name=form.cleaned_data["public_name"],
                    message=form.cleaned_data["message"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                receipt_code = recorded.receipt_code
                form = StaffDonationForm()
        context = {
            **self.admin_site.each_context(request),
            "title": "Record a donation",
            "form": form,
            "receipt_code": receipt_code,
            "opts": self.model._meta,
            "changelist_url": reverse("admin:donations_donation_changelist"),
        }
        response = TemplateResponse(request, "admin/donations/record.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Reverse the selected donations")
    def reverse_selected(self, request: HttpRequest, queryset: QuerySet[Donation]) -> None:
        for donation in queryset:
            try:
                services.reverse_donation(
                    donation=donation, actor=request.user, reason="reversed by staff in the back office"
                )
            except DomainError as exc:
                self.message_user(request, f"Donation #{donation.pk}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"Donation #{donation.pk} reversed.", messages.SUCCESS)


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "campaign", "amount_minor", "currency", "status", "created_at", "cancelled_at")
    list_filter = ("status", "currency")
    readonly_fields = [f.name for f in Pledge._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
