"""Back office for bank statements: upload and import, and the review queue of unmatched lines."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from solidarity.campaigns.models import Campaign, CampaignStatus
from solidarity.core.admin_money import MoneyColumn, money_fields
from solidarity.core.errors import DomainError
from solidarity.ledger.admin import ReadOnlyAdmin
from solidarity.payments import reconciliation
from solidarity.payments.admin_search import BANK_LINE_FILTERS, BankLineSearchMixin
from solidarity.payments.models import BankLine, ImportedStatement

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("camt.053 (XML) or MT940. At most 20 MB."))


class ResolveLineForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        help_text=_("The RF reference of the pending donation this transfer pays."),
    )
    campaign: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(
        label=_("Campaign"),
        required=False,
        queryset=Campaign.objects.filter(
            status__in=[CampaignStatus.ACTIVE, CampaignStatus.CLOSED, CampaignStatus.REPORTED]
        ),
        help_text=_("Or: record it as a new anonymous donation to this campaign."),
    )
    ignore_note = forms.CharField(
        label=_("Not a donation"), required=False, help_text=_("Or: not a donation — say what it is.")
    )


def _page(request: HttpRequest, admin_site: admin.AdminSite, template: str, **context: Any) -> HttpResponse:
    response = TemplateResponse(request, template, {**admin_site.each_context(request), **context})
    response["Cache-Control"] = "no-store"
    return response


@admin.register(ImportedStatement)
class ImportedStatementAdmin(ReadOnlyAdmin):
    list_display = (
        "imported_at",
        "format",
        "account",
        "lines_total",
        "lines_new",
        "lines_duplicate",
        "lines_matched",
        "lines_unmatched",
        "imported_by",
    )

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="payments_importedstatement_upload")
        ]
        return custom + super().get_urls()

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("payments.add_importedstatement"):
            raise PermissionDenied
        form = StatementUploadForm(request.POST or None, request.FILES or None)
        summary = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD_BYTES:
                form.add_error("file", _("The file is larger than 20 MB."))
            else:
                try:
                    summary = reconciliation.import_statement(
                        data=upload.read(), actor=request.user, filename=upload.name
                    )
                except DomainError as exc:
                    form.add_error("file", str(exc))
        return _page(
            request,
            self.admin_site,
            "admin/payments/upload_statement.html",
            title=_("Import a bank statement"),
            form=form,
            summary=summary,
            opts=self.model._meta,
        )


@admin.register(BankLine)
class BankLineAdmin(BankLineSearchMixin, ReadOnlyAdmin):
    list_display = ("booking_date", "amount_display", "state", "note", "payer_name", "remittance_short")
    list_select_related = ("data_key",)
    list_filter = BANK_LINE_FILTERS
    date_hierarchy = "booking_date"

    amount_display = MoneyColumn()
    readonly_fields = money_fields(
        BankLine, {"amount_minor": "amount_display"}, exclude=("checksum", "data_key", "payer_sealed")
    )
    fields = tuple(readonly_fields)

    @admin.display(description=_("remittance"))
    def remittance_short(self, obj: BankLine) -> str:
        return obj.remittance[:80]

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path("<int:pk>/resolve/", self.admin_site.admin_view(self.resolve_view), name="payments_bankline_resolve")
        ]
        return custom + super().get_urls()

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        line = get_object_or_404(BankLine, pk=object_id)
        if line.state == BankLine.State.UNMATCHED:
            return redirect("admin:payments_bankline_resolve", pk=line.pk)
        return super().change_view(request, object_id, form_url, extra_context)

    def resolve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("payments.change_bankline"):
            raise PermissionDenied
        line = get_object_or_404(BankLine, pk=pk)
        form = ResolveLineForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["reference"]:
                    reconciliation.match_line_to_donation(line=line, reference=data["reference"], actor=request.user)
                elif data["campaign"]:
                    reconciliation.record_line_as_donation(line=line, campaign=data["campaign"], actor=request.user)
                elif data["ignore_note"]:
                    reconciliation.ignore_line(line=line, actor=request.user, note=data["ignore_note"])
                else:
                    raise DomainError(str(_("Give a reference, a campaign, or why the line is not a donation.")))
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request, _("Line of %(day)s resolved.") % {"day": line.booking_date}, messages.SUCCESS
                )
                return redirect(reverse("admin:payments_bankline_changelist") + "?state__exact=unmatched")
        return _page(
            request,
            self.admin_site,
            "admin/payments/resolve_line.html",
            title=_("Resolve a statement line"),
            form=form,
            line=line,
            opts=self.model._meta,
        )
