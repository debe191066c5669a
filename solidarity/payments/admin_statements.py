"""Back office for bank statements: upload, a preview of what would be booked, the booking,
and the banks' saved CSV column mappings. The review queue is in admin_review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solidarity.core.errors import DomainError
from solidarity.ledger.admin import ReadOnlyAdmin
from solidarity.payments import reconciliation
from solidarity.payments.csv_formats import csv_mapping_of, save_csv_format
from solidarity.payments.models import CsvFormat, ImportedStatement
from solidarity.payments.own_accounts import own_accounts
from solidarity.payments.statement_preview import hold_upload, preview_statement, take_upload
from solidarity.payments.statements import CsvMapping

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Statement file"),
        help_text=gettext_lazy("camt.053, camt.052, camt.054 (XML), MT940, or a CSV export. At most 20 MB."),
    )
    csv_format: forms.ModelChoiceField[CsvFormat] = forms.ModelChoiceField(
        label=gettext_lazy("CSV column mapping"),
        queryset=CsvFormat.objects.all(),
        required=False,
        help_text=gettext_lazy("For a CSV export: the bank's saved mapping. Not needed for XML or MT940."),
    )


def page(request: HttpRequest, admin_site: admin.AdminSite, template: str, **context: Any) -> HttpResponse:
    response = TemplateResponse(request, template, {**admin_site.each_context(request), **context})
    response["Cache-Control"] = "no-store"
    return response


def _mapping(csv_format_id: int | None) -> CsvMapping | None:
    if csv_format_id is None:
        return None
    csv_format = CsvFormat.objects.filter(pk=csv_format_id).first()
    if csv_format is None:
        raise DomainError(_("The CSV column mapping chosen for this file no longer exists."))
    return csv_mapping_of(csv_format)


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
        """Choose a file (and for CSV its bank's mapping) → a preview → book it."""
        if not request.user.has_perm("payments.add_importedstatement"):
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self._book(request)
        form = StatementUploadForm(request.POST or None, request.FILES or None)
        preview = token = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            csv_format = form.cleaned_data["csv_format"]
            if upload.size > MAX_UPLOAD_BYTES:
                form.add_error("file", _("The file is larger than 20 MB."))
            else:
                data = upload.read()
                try:
                    preview = preview_statement(
                        data=data,
                        actor=request.user,
                        filename=upload.name,
                        csv_mapping=csv_mapping_of(csv_format) if csv_format else None,
                    )
                except DomainError as exc:
                    form.add_error("file", str(exc))
                else:
                    token = hold_upload(
                        data=data, filename=upload.name, csv_format=csv_format.pk if csv_format else None
                    )
        return self._render(request, form=form, preview=preview, token=token)

    def _book(self, request: HttpRequest) -> HttpResponse:
        held = take_upload(request.POST.get("token", ""))
        form = StatementUploadForm()
        if held is None:
            error = _("This preview was booked already or has expired; nothing changed. Choose the file again.")
            return self._render(request, form=form, error=error)
        try:
            summary = reconciliation.import_statement(
                data=held.data, actor=request.user, filename=held.filename, csv_mapping=_mapping(held.csv_format)
            )
        except DomainError as exc:
            return self._render(request, form=form, error=str(exc))
        return self._render(request, form=form, summary=summary)

    def _render(self, request: HttpRequest, **context: Any) -> HttpResponse:
        return page(
            request,
            self.admin_site,
            "admin/payments/upload_statement.html",
            title=_("Import a bank statement"),
            opts=self.model._meta,
            **context,
        )


class CsvFormatForm(forms.ModelForm):  # type: ignore[type-arg]
    account = forms.ChoiceField(label=gettext_lazy("The foundation's account"), choices=())

    class Meta:
        model = CsvFormat
        fields = [f.name for f in CsvFormat._meta.fields if f.name not in ("id", "changed_at")]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        account = self.fields["account"]
        if isinstance(account, forms.ChoiceField):
            account.choices = [(a, a) for a in own_accounts()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                csv_mapping_of(self.instance.__class__(**{k: v for k, v in cleaned.items() if k != "id"}))
            except DomainError as exc:
                raise ValidationError(str(exc)) from exc
        return cleaned


@admin.register(CsvFormat)
class CsvFormatAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Each bank's CSV layout, saved once and chosen at every import."""

    form = CsvFormatForm
    list_display = ("name", "account", "skip_lines", "date_column", "amount_column", "changed_at")

    def save_model(self, request: HttpRequest, obj: CsvFormat, form: Any, change: bool) -> None:
        save_csv_format(csv_format=obj, actor=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
