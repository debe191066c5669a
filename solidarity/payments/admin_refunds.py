"""The back office's refund requests: each one's page shows what approving it means, and the
second person approves or rejects it there.

Requests are made from the donations list ("Request a refund…", "Request a reversal…",
with a confirmation page asking for the reason). Approval lives here, in payments, because
only the rails know whether the money is sent by the card processor (booked when it
reports it) or was sent by staff (booked at approval).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from solidarity.core.admin_money import MoneyColumn, money_fields
from solidarity.core.errors import DomainError
from solidarity.donations.models import RefundRequest, RefundRequestStatus
from solidarity.donations.refund_requests import balance_after, campaign_side, reject_refund
from solidarity.payments.refunds import approve_refund_request
from solidarity.staff.roles import Role, has_role


class RejectForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Why reject it"), max_length=300)


@admin.register(RefundRequest)
class RefundRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "kind", "donation", "campaign", "amount_display", "status", "requested_by", "requested_at")
    list_filter = ("status", "kind")
    list_select_related = ("donation__campaign", "requested_by")
    readonly_fields = money_fields(RefundRequest, {"amount_minor": "amount_display"})

    @admin.display(description=gettext_lazy("campaign"))
    def campaign(self, obj: RefundRequest) -> str:
        return str(obj.donation.campaign)

    amount_display = MoneyColumn()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # asked for from the donations list

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "<int:pk>/approve/",
                self.admin_site.admin_view(require_POST(self.approve_view)),
                name="donations_refundrequest_approve",
            ),
            path(
                "<int:pk>/reject/",
                self.admin_site.admin_view(require_POST(self.reject_view)),
                name="donations_refundrequest_reject",
            ),
        ]
        return custom + super().get_urls()

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """The approval page: campaign, amounts, the fund's balance after, the reason, who asked."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(
            RefundRequest.objects.select_related("donation__campaign", "requested_by", "decided_by"),
            pk=object_id,
        )
        awaiting = obj.status == RefundRequestStatus.AWAITING
        context = {
            **self.admin_site.each_context(request),
            "title": str(obj),
            "opts": self.model._meta,
            "obj": obj,
            "campaign": obj.donation.campaign,
            "fund_amount": campaign_side(obj),
            "balance_after": balance_after(obj) if awaiting else None,
            "awaiting": awaiting,
            "may_decide": awaiting and has_role(request.user, Role.FINANCE),
            "own_request": obj.requested_by_id == request.user.pk,
            "reject_form": RejectForm(),
        }
        response = TemplateResponse(request, "admin/payments/refund_request.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def approve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        refund_request = get_object_or_404(RefundRequest.objects.select_related("donation__campaign"), pk=pk)
        try:
            approved = approve_refund_request(refund_request=refund_request, actor=request.user)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, _("%(request)s approved.") % {"request": approved}, messages.SUCCESS)
        return redirect("admin:donations_refundrequest_change", pk)

    def reject_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        refund_request = get_object_or_404(RefundRequest, pk=pk)
        form = RejectForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Say why the request is rejected."), messages.ERROR)
            return redirect("admin:donations_refundrequest_change", pk)
        try:
            reject_refund(refund_request=refund_request, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, _("Request rejected; nothing moved."), messages.SUCCESS)
        return redirect("admin:donations_refundrequest_change", pk)
