"""Back office: the review queue of statement lines — ranked candidates a person confirms,
undoing a wrong match, and dismissing lines in bulk with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from solidarity.campaigns.models import Campaign, CampaignStatus
from solidarity.core.admin_money import MoneyColumn, money_fields
from solidarity.core.errors import DomainError
from solidarity.donations.models import Donation
from solidarity.ledger.admin import ReadOnlyAdmin
from solidarity.payments import reconciliation, review
from solidarity.payments.admin_search import BANK_LINE_FILTERS, BankLineSearchMixin
from solidarity.payments.admin_statements import page
from solidarity.payments.models import BankLine

QUEUE = "?state__exact=unmatched"


class ResolveLineForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("RF reference"),
        required=False,
        help_text=gettext_lazy("The RF reference of the pending donation this transfer pays."),
    )
    campaign: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        required=False,
        queryset=Campaign.objects.filter(
            status__in=[CampaignStatus.ACTIVE, CampaignStatus.CLOSED, CampaignStatus.REPORTED]
        ),
        help_text=gettext_lazy("Or: record it as a new anonymous donation to this campaign."),
    )
    ignore_note = forms.CharField(
        label=gettext_lazy("Not a donation"),
        required=False,
        help_text=gettext_lazy("Or: not a donation — say what it is."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


@admin.register(BankLine)
class BankLineAdmin(BankLineSearchMixin, ReadOnlyAdmin):
    list_display = ("booking_date", "amount_display", "state", "note", "payer_name", "remittance_short")
    list_select_related = ("data_key",)
    list_filter = BANK_LINE_FILTERS
    date_hierarchy = "booking_date"
    actions = ["dismiss_selected"]

    amount_display = MoneyColumn()
    readonly_fields = money_fields(
        BankLine, {"amount_minor": "amount_display"}, exclude=("checksum", "data_key", "payer_sealed")
    )
    fields = tuple(readonly_fields)

    @admin.display(description=gettext_lazy("remittance"))
    def remittance_short(self, obj: BankLine) -> str:
        return obj.remittance[:80]

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path("<int:pk>/resolve/", self.admin_site.admin_view(self.resolve_view), name="payments_bankline_resolve"),
            path("<int:pk>/undo/", self.admin_site.admin_view(self.undo_view), name="payments_bankline_undo"),
        ]
        return custom + super().get_urls()

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        line = get_object_or_404(BankLine, pk=object_id)
        if line.state in (BankLine.State.UNMATCHED, BankLine.State.DUPLICATE):
            return redirect("admin:payments_bankline_resolve", pk=line.pk)
        extra = {**(extra_context or {}), "may_undo": line.state == BankLine.State.MATCHED}
        return super().change_view(request, object_id, form_url, extra)

    def _may_decide(self, request: HttpRequest) -> None:
        if not request.user.has_perm("payments.change_bankline"):
            raise PermissionDenied

    def resolve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The line, its ranked candidates (each confirmed with one button), and the other decisions."""
        self._may_decide(request)
        line = get_object_or_404(BankLine, pk=pk)
        form = ResolveLineForm(None if "candidate" in request.POST else (request.POST or None))
        error = ""
        if request.method == "POST":
            try:
                if "candidate" in request.POST:
                    donation = get_object_or_404(Donation, pk=_row_id(request.POST["candidate"]))
                    review.confirm_candidate(line=line, donation=donation, actor=request.user)
                elif form.is_valid():
                    self._decide(request, line, form.cleaned_data)
                else:
                    raise DomainError(_("Give a reference, a campaign, or why the line is not a donation."))
            except DomainError as exc:
                error = str(exc)
            else:
                self.message_user(
                    request, _("Line of %(day)s resolved.") % {"day": line.booking_date}, messages.SUCCESS
                )
                return redirect(reverse("admin:payments_bankline_changelist") + QUEUE)
        line.refresh_from_db()
        return page(
            request,
            self.admin_site,
            "admin/payments/resolve_line.html",
            title=_("Resolve a statement line"),
            form=form,
            error=error,
            line=line,
            candidates=review.line_candidates(line),
            opts=self.model._meta,
        )

    @staticmethod
    def _decide(request: HttpRequest, line: BankLine, data: dict[str, Any]) -> None:
        if data["reference"]:
            reconciliation.match_line_to_donation(line=line, reference=data["reference"], actor=request.user)
        elif data["campaign"]:
            reconciliation.record_line_as_donation(line=line, campaign=data["campaign"], actor=request.user)
        elif data["ignore_note"]:
            reconciliation.ignore_line(line=line, actor=request.user, note=data["ignore_note"])
        else:
            raise DomainError(_("Give a reference, a campaign, or why the line is not a donation."))

    def undo_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Undo a wrong match: a reversing transaction, the donation pending, the line back in the queue."""
        self._may_decide(request)
        line = get_object_or_404(BankLine, pk=pk)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                review.undo_line_match(line=line, actor=request.user, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _("The match was undone: the donation is pending again and the line waits for review."),
                    messages.SUCCESS,
                )
                return redirect("admin:payments_bankline_resolve", pk=line.pk)
        return page(
            request,
            self.admin_site,
            "admin/payments/undo_line_match.html",
            title=_("Undo a wrong match"),
            form=form,
            line=line,
            allocations=line.allocations.filter(undone_by__isnull=True).select_related("donation__campaign"),
            opts=self.model._meta,
        )

    @admin.action(description=gettext_lazy("Dismiss the selected lines (not donations)…"))
    def dismiss_selected(self, request: HttpRequest, queryset: QuerySet[BankLine]) -> HttpResponse | None:
        """A confirmation page asking for one reason; nothing changes until it is given."""
        self._may_decide(request)
        lines = list(queryset.order_by("booking_date", "pk"))
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            try:
                count = review.dismiss_lines(lines=lines, actor=request.user, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                message = ngettext("%(count)d line dismissed.", "%(count)d lines dismissed.", count)
                self.message_user(request, message % {"count": count}, messages.SUCCESS)
            return None
        return page(
            request,
            self.admin_site,
            "admin/payments/dismiss_lines.html",
            title=_("Dismiss statement lines"),
            form=form,
            lines=lines,
            action_checkbox_name=ACTION_CHECKBOX_NAME,
            opts=self.model._meta,
        )


def _row_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise DomainError(_("Choose one of the candidates.")) from None
