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
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from solidarity.campaigns import proposals, services
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
    story_fields,
)
from solidarity.core.errors import DomainError
from solidarity.core.formatting import format_date, format_money
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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        shown = [*super().get_readonly_fields(request, obj), "consent"]
        return [*shown, "case_notes"] if obj is not None and may_read_notes(request) else shown

    @admin.display(description=gettext_lazy("consent to publish"))
    def consent(self, obj: Beneficiary) -> str:
        if not obj.consent_given_on:
            return gettext("Not recorded.")
        recorded_by = obj.consent_recorded_by.get_username() if obj.consent_recorded_by else "—"
        return gettext("%(scope)s — given by %(giver)s on %(day)s; recorded by %(user)s") % {
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


def _transition_action(name: str, label: Any, service: Callable[..., Campaign]) -> Any:
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


def _proposed_need_rows(formset: Any) -> list[dict[str, Any]]:
    """The needs inline's added, changed and deleted rows, as a proposed change keeps them."""
    rows: list[dict[str, Any]] = []
    for need_form in formset.forms:
        need = need_form.instance
        # From the table: the form has already put the typed values on the instance.
        before = proposals.need_values(Need.objects.get(pk=need.pk)) if need.pk else None
        if need_form in formset.deleted_forms:
            if need.pk:
                rows.append({"id": need.pk, "delete": True, "before": before})
        elif need_form.has_changed():
            data = {
                k: (str(v) if k == "amount" else v)
                for k, v in need_form.cleaned_data.items()
                if k == "amount" or k.startswith(proposals.NEED_FIELDS)
            }
            rows.append({"id": need.pk, "delete": False, "before": before, **data})
    return rows


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

    # An editor's change to the story or needs of a public campaign becomes a proposed change
    # (campaigns.proposals) that a reviewer accepts; the rest of the page saves as usual.
    def save_model(self, request: HttpRequest, obj: Campaign, form: Any, change: bool) -> None:
        if change and proposals.needs_review(obj, request.user):
            story = {
                field: {"before": form.initial.get(field) or "", "after": form.cleaned_data.get(field) or ""}
                for field in story_fields()
                if field in form.changed_data
            }
            stored = Campaign.objects.values(*story).get(pk=obj.pk) if story else {}
            for field, value in stored.items():
                setattr(obj, field, value)  # the public text stays as it is until a reviewer accepts
            form.changed_data[:] = [f for f in form.changed_data if f not in story]
            setattr(request, "_proposed_story", story)  # noqa: B010 - read back in save_related
            setattr(request, "_proposed_needs", [])  # noqa: B010
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Need and hasattr(request, "_proposed_needs"):
            request._proposed_needs.extend(_proposed_need_rows(formset))
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # nothing saved
            return
        super().save_formset(request, form, formset, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        story, needs = getattr(request, "_proposed_story", {}), getattr(request, "_proposed_needs", [])
        if story or needs:
            proposal = proposals.propose_change(campaign=form.instance, actor=request.user, story=story, needs=needs)
            self.message_user(
                request,
                _("Your change to the story or needs waits for a reviewer (proposed change #%(id)s).")
                % {"id": proposal.pk},
                messages.WARNING,
            )

    def get_readonly_fields(self, request: HttpRequest, obj: Campaign | None = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != "draft":
            fields.append("currency")  # the fund account is kept in it
        return fields


# The reviewer's pages for proposed changes (a diff, accept or reject).
from solidarity.campaigns import admin_proposals  # noqa: E402

__all__ = ["admin_proposals"]
