"""The back office's page for the books: finance picks a period and downloads one ZIP of
the six CSV files (the same files as `manage.py export_books`).

Served behind the admin site's own checks (staff, second factor) by `admin_site.admin_view`
in solidarity/urls.py; the finance role is checked here and again in the service.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidarity.books.period import Period
from solidarity.books.services import export_books_for_staff
from solidarity.core.errors import DomainError
from solidarity.staff.roles import Role, has_role

# Up to this size the ZIP is built in memory; a larger one spills to a temporary file.
IN_MEMORY_BYTES = 8 * 1024 * 1024


class BooksPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (included)"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError(_("The period must start on or before the day it ends."))
        return cleaned


def _last_month() -> dict[str, dt.date]:
    first_of_this = timezone.localdate().replace(day=1)
    end = first_of_this - dt.timedelta(days=1)
    return {"start": end.replace(day=1), "end": end}


def export_books_view(request: HttpRequest) -> HttpResponseBase:
    """GET: the period form. POST: the ZIP of the period's books, as a download."""
    if not has_role(request.user, Role.FINANCE):
        raise PermissionDenied
    form = BooksPeriodForm(request.POST or None, initial=_last_month())
    if request.method == "POST" and form.is_valid():
        period = Period(form.cleaned_data["start"], form.cleaned_data["end"])
        spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 - FileResponse closes it
        try:
            export_books_for_staff(actor=request.user, period=period, stream=spool)
        except DomainError as exc:
            spool.close()
            form.add_error(None, str(exc))
        else:
            spool.seek(0)
            download = FileResponse(
                spool,
                as_attachment=True,
                filename=f"books-{period.start}-{period.end}.zip",
                content_type="application/zip",
            )
            download["Cache-Control"] = "no-store"
            return download
    context = {
        **admin.site.each_context(request),
        "title": _("Books for the accountant"),
        "form": form,
        "files": ["donations.csv", "refunds.csv", "payouts.csv", "fees.csv", "bank_lines.csv", "balances.csv"],
    }
    response = TemplateResponse(request, "admin/books/export.html", context)
    response["Cache-Control"] = "no-store"
    return response
