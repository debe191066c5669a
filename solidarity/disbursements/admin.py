"""Back office for payouts: recorded and approved through the services, proofs downloadable
only here, decrypted on the fly and never cached."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from solidarity.campaigns.models import Campaign, Need
from solidarity.core.admin_money import MoneyColumn, money_fields
from solidarity.core.errors import DomainError
from solidarity.core.money import Money, validate_currency
from solidarity.core.uploads import open_bytes
from solidarity.disbursements import services
from solidarity.disbursements.models import Disbursement, DisbursementProof, PayeeCategory
from solidarity.disbursements.selectors import PAYING_STATUSES, monthly_needs_due, need_choices, payable_campaigns
from solidarity.staff.services import record_audit

# The monthly needs page shows what falls due this week unless asked for another span.
MONTHLY_DUE_DAYS = 7


class DisbursementForm(forms.Form):
    """A payout of one campaign: only its needs, in its currency or another one with the rate."""

    need = forms.TypedChoiceField(label=gettext_lazy("Need"), coerce=int)
    payee_category = forms.ChoiceField(label=gettext_lazy("Payee category"), choices=PayeeCategory.choices)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"),
        max_digits=14,
        decimal_places=3,
        help_text=gettext_lazy("What the payee receives."),
    )
    currency = forms.CharField(
        label=gettext_lazy("Currency"),
        max_length=3,
        help_text=gettext_lazy("ISO code; another currency than the campaign's is converted into it."),
    )
    fx_rate = forms.DecimalField(
        label=gettext_lazy("Exchange rate"),
        required=False,
        max_digits=20,
        decimal_places=10,
        help_text=gettext_lazy(
            "Campaign currency per one unit of the payout's currency. Empty: the ECB reference rate of the day."
        ),
    )
    fx_source = forms.CharField(
        label=gettext_lazy("Source of the rate"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("With a rate: where it comes from (the bank's confirmation, a central bank)."),
    )
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"), initial=timezone.localdate, help_text=gettext_lazy("YYYY-MM-DD")
    )
    public_description = forms.CharField(
        label=gettext_lazy("Public description"),
        max_length=300,
        help_text=gettext_lazy("Shown publicly. Name no private person."),
    )
    proof = forms.FileField(
        label=gettext_lazy("Proof"),
        required=False,
        help_text=gettext_lazy("Receipt or transfer confirmation (PDF, JPEG, PNG, WebP); kept encrypted."),
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = need_choices(campaign)  # type: ignore[attr-defined]
        self.fields["currency"].initial = campaign.currency

    def clean_currency(self) -> str:
        try:
            return validate_currency(self.cleaned_data["currency"].strip().upper())
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ProofInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DisbursementProof
    extra = 0
    can_delete = False
    fields = ("name", "content_type", "added_at", "download")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def download(self, obj: DisbursementProof) -> str:
        from django.utils.html import format_html

        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:disbursements_disbursement_proof", args=[obj.pk]),
            gettext_lazy("download"),
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Disbursement)
class DisbursementAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("paid_on", "campaign", "payee_category", "amount_display", "status", "created_by", "approved_by")
    list_filter = ("status", "payee_category")
    readonly_fields = money_fields(
        Disbursement, {"amount_minor": "amount_display", "paid_amount_minor": "paid_amount_display"}
    )
    inlines = [ProofInline]
    actions = ["approve_selected", "request_void_selected", "approve_void_selected"]

    amount_display = MoneyColumn()
    paid_amount_display = MoneyColumn("paid_amount_minor", "paid_currency", gettext_lazy("amount received"))
    exclude = ("amount_minor", "paid_amount_minor")  # shown as money above, never as stored minor units

    # Everything on a payout is fixed once recorded, except that its public description may
    # be added in a language it lacks (services.translate_public_description, audited).
    def _missing_translations(self, obj: Disbursement | None) -> list[str]:
        if obj is None:
            return []
        return [
            f"public_description_{code}"
            for code, _name in settings.LANGUAGES
            if not getattr(obj, f"public_description_{code}")
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Disbursement | None = None) -> Any:
        missing = self._missing_translations(obj)
        return [name for name in self.readonly_fields if name not in missing]

    def save_model(self, request: HttpRequest, obj: Disbursement, form: Any, change: bool) -> None:
        texts = {
            name.rsplit("_", 1)[1]: form.cleaned_data[name] or ""
            for name in form.changed_data
            if name.startswith("public_description_")
        }
        try:
            services.translate_public_description(disbursement=obj, texts=texts, actor=request.user)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path("record/", self.admin_site.admin_view(self.choose_view), name="disbursements_disbursement_record"),
            path(
                "record/<int:campaign_id>/",
                self.admin_site.admin_view(self.record_view),
                name="disbursements_disbursement_record_for",
            ),
            path("monthly/", self.admin_site.admin_view(self.monthly_view), name="disbursements_disbursement_monthly"),
            path(
                "proof/<int:pk>/", self.admin_site.admin_view(self.proof_view), name="disbursements_disbursement_proof"
            ),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return redirect("admin:disbursements_disbursement_record")

    def choose_view(self, request: HttpRequest) -> HttpResponse:
        """A payout starts from the campaign: its name, the beneficiary's pseudonym and its balance."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Record a payout: choose the campaign"),
            "rows": payable_campaigns(),
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/disbursements/record_choose.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def record_view(self, request: HttpRequest, campaign_id: int) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        campaign: Campaign = get_object_or_404(
            Campaign.objects.select_related("beneficiary").filter(status__in=PAYING_STATUSES), pk=campaign_id
        )
        form = DisbursementForm(
            request.POST or None, request.FILES or None, campaign=campaign, initial={"need": request.GET.get("need")}
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                disbursement = services.record_disbursement(
                    need=get_object_or_404(Need, pk=data["need"], campaign=campaign),
                    payee_category=data["payee_category"],
                    amount=Money(data["amount"], data["currency"]),
                    paid_on=data["paid_on"],
                    public_description=data["public_description"],
                    actor=request.user,
                    proofs=[data["proof"].read()] if data["proof"] else [],
                    fx_rate=data["fx_rate"],
                    fx_source=data["fx_source"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request, gettext("Payout recorded: %(payout)s.") % {"payout": disbursement}, messages.SUCCESS
                )
                return redirect("admin:disbursements_disbursement_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Record a payout"),
            "campaign": campaign,
            "balance": services.available_balance(campaign),
            "form": form,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/disbursements/record.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def monthly_view(self, request: HttpRequest) -> HttpResponse:
        """Monthly needs due within the chosen days (7 unless asked) and those overdue, most urgent first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            within = min(max(int(request.GET.get("within", MONTHLY_DUE_DAYS)), 0), 366)
        except ValueError:
            within = MONTHLY_DUE_DAYS
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Monthly needs due and overdue"),
            "rows": monthly_needs_due(within),
            "within": within,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/disbursements/monthly.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def proof_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("disbursements.view_disbursement"):
            raise PermissionDenied
        proof = get_object_or_404(DisbursementProof, pk=pk)
        record_audit(
            actor=request.user, action="disbursement.download_proof", target=proof.disbursement, proof=proof.pk
        )
        response = HttpResponse(open_bytes(proof.sealed_data), content_type=proof.content_type)
        response["Content-Disposition"] = f'attachment; filename="{proof.name}"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=gettext_lazy("Approve the selected payouts (a second person)…"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Disbursement]) -> HttpResponse | None:
        return self._confirm(request, queryset, "approve")

    @admin.action(description=gettext_lazy("Request a void of the selected pending payouts…"))
    def request_void_selected(self, request: HttpRequest, queryset: QuerySet[Disbursement]) -> HttpResponse | None:
        return self._confirm(request, queryset, "request_void")

    @admin.action(description=gettext_lazy("Approve the requested voids of the selected payouts (a second person)…"))
    def approve_void_selected(self, request: HttpRequest, queryset: QuerySet[Disbursement]) -> HttpResponse | None:
        return self._confirm(request, queryset, "approve_void")

    def _confirm(self, request: HttpRequest, queryset: QuerySet[Disbursement], step: str) -> HttpResponse | None:
        """A confirmation page first (campaign, amount, balance after, description, proofs, reason); then the step."""
        payouts = list(queryset.select_related("campaign", "need", "created_by", "void_requested_by"))
        form = VoidReasonForm(request.POST if "confirm" in request.POST else None)
        confirmed = "confirm" in request.POST and (step != "request_void" or form.is_valid())
        if confirmed:
            for disbursement in payouts:
                try:
                    if step == "approve":
                        services.approve_disbursement(disbursement=disbursement, actor=request.user)
                    elif step == "request_void":
                        services.request_void(
                            disbursement=disbursement, actor=request.user, reason=form.cleaned_data["reason"]
                        )
                    else:
                        services.approve_void(disbursement=disbursement, actor=request.user)
                except DomainError as exc:
                    self.message_user(request, f"{disbursement}: {exc}", messages.ERROR)
                else:
                    self.message_user(request, f"{disbursement}: {STEP_DONE[step]}", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": STEP_TITLES[step],
            "step": step,
            "form": form,
            "rows": [
                (d, services.available_balance(d.campaign) - d.money if step == "approve" else None) for d in payouts
            ],
            "action": request.POST.get("action", ""),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/disbursements/confirm.html", context)


class VoidReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why void it"), max_length=300)


STEP_TITLES = {
    "approve": gettext_lazy("Approve payouts"),
    "request_void": gettext_lazy("Request a void of payouts"),
    "approve_void": gettext_lazy("Approve voids of payouts"),
}
STEP_DONE = {
    "approve": gettext_lazy("approved and paid."),
    "request_void": gettext_lazy("void requested; another person approves it."),
    "approve_void": gettext_lazy("voided."),
}

# Surplus moves (the surplus rule carried out by two people) have their own admin module.
from solidarity.disbursements import admin_surplus  # noqa: E402, F401
