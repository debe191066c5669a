"""Back office for bank statements: upload and import, and the review queue of unmatched lines."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from solidarity.core.errors import DomainError
from solidarity.ledger.admin import ReadOnlyAdmin
from solidarity.payments import reconciliation
from solidarity.payments.models import ImportedStatement

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class StatementUploadForm(forms.Form):
    file = forms.FileField(help_text="camt.053 (XML) or MT940. At most 20 MB.")


def page(request: HttpRequest, admin_site: admin.AdminSite, template: str, **context: Any) -> HttpResponse:
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
                form.add_error("file", "The file is larger than 20 MB.")
            else:
                try:
                    summary = reconciliation.import_statement(
                        data=upload.read(), actor=request.user, filename=upload.name
                    )
                except DomainError as exc:
                    form.add_error("file", str(exc))
        return page(
            request,
            self.admin_site,
            "admin/payments/upload_statement.html",
            title="Import a bank statement",
            form=form,
            summary=summary,
            opts=self.model._meta,
        )
