"""Back office for campaigns. Life-cycle changes go through the services, as actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from solidarity.campaigns import services
from solidarity.campaigns.forms import NeedAdminForm
from solidarity.campaigns.models import Beneficiary, Campaign, CampaignTransition, Need, TimelineEvent, Update
from solidarity.core.errors import DomainError
from solidarity.staff.audit_admin import AuditedAdminMixin


class TimelineInline(TranslationStackedInline):
    model = TimelineEvent
    extra = 0


class BeneficiaryAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """Private contact and payout details are typed in plain and stored encrypted."""

    private_contact = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Private contact"),
        help_text=_("Never public; stored encrypted."),
    )
    payout_details = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Payout details"),
        help_text=_("Never public; stored encrypted."),
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
class BeneficiaryAdmin(AuditedAdminMixin, TranslationAdmin):  # type: ignore[misc]
    form = BeneficiaryAdminForm
    list_display = ("public_name", "status", "charges")
    list_filter = ("status",)
    search_fields = ("public_name",)
    inlines = [TimelineInline]


class NeedInline(TranslationStackedInline):
    """Stacked: a row of every language's description was wider than the window (2 181 px)."""

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


def _transition_action(name: str, label: Any, service: Callable[..., Campaign]) -> Any:
    def action(modeladmin: admin.ModelAdmin[Campaign], request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        for campaign in queryset:
            try:
                service(campaign=campaign, actor=request.user)
            except DomainError as exc:
                modeladmin.message_user(request, f"{campaign}: {exc}", messages.ERROR)
            else:
                modeladmin.message_user(request, f"{campaign}: {label.lower()}.", messages.SUCCESS)

    action.__name__ = name
    return admin.action(description=label)(action)


@admin.register(Campaign)
class CampaignAdmin(AuditedAdminMixin, TranslationAdmin):  # type: ignore[misc]
    list_display = ("title", "slug", "status", "currency", "published_at", "closed_at")
    list_filter = ("status", "currency")
    search_fields = ("slug", "title")
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ("status", "published_at", "closed_at", "status_changed_at", "status_changed_by")
    inlines = [NeedInline, UpdateInline, TransitionInline]
    actions = [
        _transition_action("submit_for_review", _("Submit for review"), services.submit_for_review),
        _transition_action("send_back_to_draft", _("Send back to draft"), services.send_back_to_draft),
        _transition_action("publish", _("Publish"), services.publish_campaign),
        _transition_action("close", _("Close the collection"), services.close_campaign),
        _transition_action("mark_reported", _("Mark spending reported"), services.mark_reported),
        _transition_action("archive", _("Archive"), services.archive_campaign),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Campaign | None = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != "draft":
            fields.append("currency")  # the fund account is kept in it
        return fields
