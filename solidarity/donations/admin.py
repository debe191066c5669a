"""Back office for donations: read-only rows; recording goes through services.

Nothing here moves money out: "Request a refund…" and "Request a reversal…" go through a
confirmation page that asks for the reason (and, for one donation, the amount) and create
refund requests that another finance user approves on the request's own page
(payments/admin_refunds.py, which knows the rails).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solidarity.core.admin_money import MoneyColumn, money_fields
from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.donations import services
from solidarity.donations.admin_search import DONATION_FILTERS, DonationSearchMixin
from solidarity.donations.forms import StaffDonationForm
from solidarity.donations.models import Donation, Pledge, RefundKind
from solidarity.donations.refund_requests import left_to_refund, request_refund
from solidarity.donations.supporters import hide_public_entry, show_public_entry


class RefundRequestForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"),
        required=False,
        max_digits=14,
        decimal_places=3,
        min_value=0,
        help_text=gettext_lazy("Only for one donation, in its currency. Empty: all that is left of it."),
    )


class HideEntryForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


@admin.register(Donation)
class DonationAdmin(DonationSearchMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "campaign", "amount_display", "channel", "status", "received_on", "public_name", "hidden")
    list_filter = DONATION_FILTERS
    search_fields = ("campaign__slug", "public_name")
    readonly_fields = money_fields(
        Donation, {"amount_minor": "amount_display"}, exclude=("sealed_secret", "secret_key")
    )
    exclude = ("sealed_secret", "secret_key", "receipt_code_hash")
    actions = ["request_refunds", "request_reversals", "hide_public_entries", "show_public_entries"]

    @admin.display(description=gettext_lazy("hidden from the public"), boolean=True)
    def hidden(self, obj: Donation) -> bool:
        return obj.public_hidden_at is not None

    @admin.action(description=gettext_lazy("Hide the name and message of the selected donations…"))
    def hide_public_entries(self, request: HttpRequest, queryset: QuerySet[Donation]) -> HttpResponse | None:
        """First a page asking why; on confirming, each entry is hidden (audited) through the service."""
        donations = list(queryset.select_related("campaign"))
        form = HideEntryForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            for donation in donations:
                try:
                    hide_public_entry(donation=donation, actor=request.user, reason=form.cleaned_data["reason"])
                except DomainError as exc:
                    self.message_user(
                        request, _("Donation #%(id)s: %(error)s") % {"id": donation.pk, "error": exc}, messages.ERROR
                    )
                else:
                    self.message_user(
                        request, _("Donation #%(id)s is now anonymous on the public pages.") % {"id": donation.pk}
                    )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hide names and messages"),
            "form": form,
            "rows": donations,
            "action": request.POST.get("action", ""),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/donations/hide_entries.html", context)

    @admin.action(description=gettext_lazy("Show the hidden name and message of the selected donations again"))
    def show_public_entries(self, request: HttpRequest, queryset: QuerySet[Donation]) -> None:
        for donation in queryset:
            try:
                show_public_entry(donation=donation, actor=request.user)
            except DomainError as exc:
                self.message_user(
                    request, _("Donation #%(id)s: %(error)s") % {"id": donation.pk, "error": exc}, messages.ERROR
                )

    amount_display = MoneyColumn()

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
                    show_amount=form.cleaned_data["show_amount"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                receipt_code = recorded.receipt_code
                form = StaffDonationForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record a donation"),
            "form": form,
            "receipt_code": receipt_code,
            "opts": self.model._meta,
            "changelist_url": reverse("admin:donations_donation_changelist"),
        }
        response = TemplateResponse(request, "admin/donations/record.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=gettext_lazy("Request a refund of the selected donations…"))
    def request_refunds(self, request: HttpRequest, queryset: QuerySet[Donation]) -> HttpResponse | None:
        return self._request(request, queryset, RefundKind.REFUND)

    @admin.action(description=gettext_lazy("Request a reversal of the selected donations…"))
    def request_reversals(self, request: HttpRequest, queryset: QuerySet[Donation]) -> HttpResponse | None:
        return self._request(request, queryset, RefundKind.REVERSAL)

    def _request(self, request: HttpRequest, queryset: QuerySet[Donation], kind: str) -> HttpResponse | None:
        """First the confirmation page (reason, amount); on confirming, one request per donation."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        donations = list(queryset.select_related("campaign"))
        form = RefundRequestForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            amount = form.cleaned_data["amount"]
            if amount is not None and len(donations) != 1:
                form.add_error("amount", _("Give an amount only when one donation is selected."))
            else:
                for donation in donations:
                    try:
                        made = request_refund(
                            donation=donation,
                            actor=request.user,
                            reason=form.cleaned_data["reason"],
                            amount=Money(amount, donation.currency) if amount is not None else None,
                            kind=kind,
                        )
                    except DomainError as exc:
                        self.message_user(
                            request,
                            _("Donation #%(id)s: %(error)s") % {"id": donation.pk, "error": exc},
                            messages.ERROR,
                        )
                    else:
                        self.message_user(
                            request,
                            _("Donation #%(id)s: %(request)s awaits a second person's approval.")
                            % {"id": donation.pk, "request": made},
                            messages.SUCCESS,
                        )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Request a reversal") if kind == RefundKind.REVERSAL else _("Request a refund"),
            "form": form,
            "kind": kind,
            "rows": [(d, left_to_refund(d)) for d in donations],
            "action": request.POST.get("action", ""),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/donations/request_refund.html", context)


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "campaign", "amount_display", "channel", "status", "created_at", "cancelled_at")
    list_filter = ("status", "channel", "currency")
    search_fields = ("bank_reference",)
    readonly_fields = money_fields(Pledge, {"amount_minor": "amount_display"}, exclude=("manage_token_hash",))
    fields = tuple(readonly_fields)
    amount_display = MoneyColumn()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
