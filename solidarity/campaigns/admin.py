"""Back office for campaigns. Life-cycle changes go through the services, as actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from solidarity.campaigns import services
from solidarity.campaigns.case_notes import may_read_notes, note_page, render_notes
from solidarity.campaigns.forms import NeedAdminForm
from solidarity.campaigns.funds import fund_balance
from solidarity.campaigns.models import (
    Beneficiary,
    Campaign,
    CampaignTransition,
    Need,
    SurplusRule,
    TimelineEvent,
    Update,
)
from solidarity.core.errors import DomainError
from solidarity.core.formatting import format_date, format_money


class TimelineInline(TranslationTabularInline):
    model = TimelineEvent
    extra = 0


class BeneficiaryAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """Private contact and payout details are typed in plain and stored encrypted."""

    private_contact = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Never public; stored encrypted."
    )
    payout_details = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Never public; stored encrypted."
    )

    class Meta:
        model = Beneficiary
        fields = "__all__"  # noqa: DJ007 - modeltranslation's admin picks the per-language fields

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["private_contact"] = self.instance.private_contact
            self.initial["payout_details"] = self.instance.payout_details

    def save(self, commit: bool = True) -> Beneficiary:
        if not self.instance.pk or {"private_contact", "payout_details"} & set(self.changed_data):
            services.set_private_details(
                beneficiary=self.instance,
                private_contact=self.cleaned_data.get("private_contact", ""),
                payout_details=self.cleaned_data.get("payout_details", ""),
            )
        return super().save(commit)


@admin.register(Beneficiary)
class BeneficiaryAdmin(TranslationAdmin):
    form = BeneficiaryAdminForm
    list_display = ("public_name", "status", "charges")
    list_filter = ("status",)
    search_fields = ("public_name",)
    inlines = [TimelineInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        shown = [*super().get_readonly_fields(request, obj), "consent"]
        return [*shown, "case_notes"] if obj is not None and may_read_notes(request) else shown

    @admin.display(description=gettext_lazy("consent to publish"))
    def consent(self, obj: Beneficiary) -> str:
        if not obj.consent_given_on:
            return _("Not recorded.")
        recorded_by = obj.consent_recorded_by.get_username() if obj.consent_recorded_by else "—"
        return _("%(scope)s — given by %(giver)s on %(day)s; recorded by %(user)s") % {
            "scope": ", ".join(obj.consent_scope_labels),
            "giver": obj.get_consent_given_by_display(),
            "day": format_date(obj.consent_given_on),
            "user": recorded_by,
        }

    @admin.display(description=gettext_lazy("case notes"))
    def case_notes(self, obj: Beneficiary) -> SafeString:
        # Only in the fields of a caseworker (get_readonly_fields).
        return render_notes(
            obj.case_notes.select_related("author"), reverse("admin:campaigns_beneficiary_note", args=[obj.pk])
        )

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "<int:object_id>/notes/add/",
                self.admin_site.admin_view(self.add_note_view),
                name="campaigns_beneficiary_note",
            )
        ]
        return custom + super().get_urls()

    def add_note_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        beneficiary = get_object_or_404(Beneficiary, pk=object_id)
        return note_page(
            request,
            self.admin_site,
            subject=beneficiary.public_name,
            back_url=reverse("admin:campaigns_beneficiary_change", args=[beneficiary.pk]),
            add_note=lambda text: services.add_beneficiary_note(beneficiary=beneficiary, text=text, actor=request.user),
        )


class NeedInline(TranslationTabularInline):
    model = Need
    form = NeedAdminForm
    extra = 0


class UpdateInline(TranslationStackedInline):
    model = Update
    extra = 0


class TransitionInline(admin.TabularInline):
    model = CampaignTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "at", "by", "note")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _offer_surplus(modeladmin: admin.ModelAdmin[Campaign], request: HttpRequest, campaign: Campaign) -> None:
    """A campaign closed with money left: say what its surplus rule does and link to the move."""
    surplus = fund_balance(campaign)
    if not surplus.is_positive():
        return
    if campaign.surplus_rule == SurplusRule.REFUND_ON_REQUEST:
        text = gettext("%(campaign)s holds a surplus of %(amount)s; its rule refunds donors who ask within 30 days.")
        modeladmin.message_user(
            request, text % {"campaign": campaign, "amount": format_money(surplus)}, messages.WARNING
        )
        return
    modeladmin.message_user(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            gettext("%(campaign)s holds a surplus of %(amount)s. Its rule: %(rule)s.")
            % {"campaign": campaign, "amount": format_money(surplus), "rule": campaign.get_surplus_rule_display()},
            reverse("admin:disbursements_surplustransfer_request", args=[campaign.pk]),
            gettext("Move the surplus as the rule says"),
        ),
        messages.WARNING,
    )


def _transition_action(name: str, label: str, service: Callable[..., Campaign]) -> Any:
    def action(modeladmin: admin.ModelAdmin[Campaign], request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        for campaign in queryset:
            try:
                service(campaign=campaign, actor=request.user)
            except DomainError as exc:
                modeladmin.message_user(request, f"{campaign}: {exc}", messages.ERROR)
            else:
                modeladmin.message_user(request, f"{campaign}: {label.lower()}.", messages.SUCCESS)
                if name == "close":
                    _offer_surplus(modeladmin, request, campaign)

    action.__name__ = name
    return admin.action(description=label)(action)


@admin.register(Campaign)
class CampaignAdmin(TranslationAdmin):
    list_display = ("title", "slug", "status", "currency", "published_at", "closed_at")
    list_filter = ("status", "currency")
    search_fields = ("slug", "title")
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ("status", "published_at", "closed_at", "status_changed_at", "status_changed_by")
    inlines = [NeedInline, UpdateInline, TransitionInline]
    actions = [
        _transition_action("submit_for_review", "Submit for review", services.submit_for_review),
        _transition_action("send_back_to_draft", "Send back to draft", services.send_back_to_draft),
        _transition_action("publish", "Publish", services.publish_campaign),
        _transition_action("close", "Close the collection", services.close_campaign),
        _transition_action("mark_reported", "Mark spending reported", services.mark_reported),
        _transition_action("archive", "Archive", services.archive_campaign),
    ]

    def save_model(self, request: HttpRequest, obj: Campaign, form: Any, change: bool) -> None:
        # The page says when the story was last updated: a change to any language's title or story.
        if change and any(name.startswith(("title_", "story_")) for name in form.changed_data):
            obj.story_updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request: HttpRequest, obj: Campaign | None = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != "draft":
            fields.append("currency")  # the fund account is kept in it
        return fields
