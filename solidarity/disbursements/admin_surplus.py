"""Back office for surplus moves: finished campaigns with a surplus, the request as the rule
offers it, and the second person's approval on a confirmation page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext, gettext_lazy

from solidarity.campaigns.models import Campaign
from solidarity.core.errors import DomainError
from solidarity.core.formatting import format_money
from solidarity.disbursements import surplus
from solidarity.disbursements.models import SurplusTransfer


class SurplusRequestForm(forms.Form):
    to_campaign = forms.TypedChoiceField(
        label=gettext_lazy("The family's next campaign"), coerce=int, required=False, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=gettext_lazy("Why move it now"), max_length=300)

    def __init__(self, *args: Any, offer: surplus.SurplusOffer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c.pk, f"{c.title} ({c.slug}, {c.get_status_display()})") for c in offer.next_campaigns]
        self.fields["to_campaign"].choices = choices  # type: ignore[attr-defined]
        if not choices:
            del self.fields["to_campaign"]


class DecisionForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why reject it"), max_length=300)


@admin.register(SurplusTransfer)
class SurplusTransferAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "requested_at",
        "campaign",
        "to_campaign_display",
        "amount_display",
        "status",
        "requested_by",
        "decided_by",
    )
    list_filter = ("status",)
    # Money as money, never as storage fields (minor units).
    fields = readonly_fields = (
        "campaign",
        "to_campaign",
        "rule",
        "amount_display",
        "reason",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "out_transaction",
        "in_transaction",
    )
    actions = ["approve_selected", "reject_selected"]

    @admin.display(description=gettext_lazy("amount"))
    def amount_display(self, obj: SurplusTransfer) -> str:
        return format_money(obj.money)

    @admin.display(description=gettext_lazy("moved to"))
    def to_campaign_display(self, obj: SurplusTransfer) -> str:
        return str(obj.to_campaign) if obj.to_campaign_id else gettext("the general fund")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path("request/", self.admin_site.admin_view(self.choose_view), name="disbursements_surplustransfer_choose"),
            path(
                "request/<int:campaign_id>/",
                self.admin_site.admin_view(self.request_view),
                name="disbursements_surplustransfer_request",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return redirect("admin:disbursements_surplustransfer_choose")

    def choose_view(self, request: HttpRequest) -> HttpResponse:
        """Finished campaigns that still hold money, each with what its rule offers."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        campaigns = Campaign.objects.filter(status__in=surplus.FINISHED_PAYING).select_related("beneficiary")
        offers = [offer for offer in map(surplus.surplus_offer, campaigns) if offer.surplus.is_positive()]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Surplus of finished campaigns"),
            "offers": offers,
            "opts": self.model._meta,
        }
        return self._no_store(TemplateResponse(request, "admin/disbursements/surplus_choose.html", context))

    def request_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        """The surplus, the rule and the action it names; one person asks, another approves."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        campaign: Campaign = get_object_or_404(Campaign.objects.select_related("beneficiary"), pk=campaign_id)
        offer = surplus.surplus_offer(campaign)
        form = SurplusRequestForm(request.POST or None, offer=offer)
        if request.method == "POST" and form.is_valid():
            target_id = form.cleaned_data.get("to_campaign")
            try:
                transfer = surplus.request_surplus_transfer(
                    campaign=campaign,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    to_campaign=next((c for c in offer.next_campaigns if c.pk == target_id), None),
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    gettext("Surplus move of %(amount)s asked for; another person approves it.")
                    % {"amount": format_money(transfer.money)},
                    messages.SUCCESS,
                )
                return redirect("admin:disbursements_surplustransfer_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Move the surplus as the campaign's rule says"),
            "offer": offer,
            "form": form,
            "opts": self.model._meta,
        }
        return self._no_store(TemplateResponse(request, "admin/disbursements/surplus_request.html", context))

    @admin.action(description=gettext_lazy("Approve the selected surplus moves (a second person)…"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[SurplusTransfer]) -> HttpResponse | None:
        return self._confirm(request, queryset, "approve")

    @admin.action(description=gettext_lazy("Reject the selected surplus moves…"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[SurplusTransfer]) -> HttpResponse | None:
        return self._confirm(request, queryset, "reject")

    def _confirm(self, request: HttpRequest, queryset: QuerySet[SurplusTransfer], step: str) -> HttpResponse | None:
        """A confirmation page (campaign, where to, amount, fund balance after, reason, who asked); then the step."""
        transfers = list(queryset.select_related("campaign", "to_campaign", "requested_by"))
        form = DecisionForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and (step == "approve" or form.is_valid()):
            for transfer in transfers:
                try:
                    if step == "approve":
                        surplus.approve_surplus_transfer(transfer=transfer, actor=request.user)
                    else:
                        surplus.reject_surplus_transfer(
                            transfer=transfer, actor=request.user, reason=form.cleaned_data["reason"]
                        )
                except DomainError as exc:
                    self.message_user(request, f"{transfer.campaign}: {exc}", messages.ERROR)
                else:
                    done = gettext("surplus moved.") if step == "approve" else gettext("surplus move rejected.")
                    self.message_user(request, f"{transfer.campaign}: {done}", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Approve surplus moves") if step == "approve" else gettext("Reject surplus moves"),
            "step": step,
            "form": form,
            "rows": [(t, surplus.surplus_offer(t.campaign).surplus - t.money) for t in transfers],
            "action": request.POST.get("action", ""),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/disbursements/surplus_confirm.html", context)

    @staticmethod
    def _no_store(response: HttpResponse) -> HttpResponse:
        response["Cache-Control"] = "no-store"
        return response
