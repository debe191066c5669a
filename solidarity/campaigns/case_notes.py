"""Case notes in the back office: the list a caseworker reads and the page that adds one.

Used by the beneficiary admin here and by the help-request admin (helprequests sits above
campaigns). Only caseworkers (and superusers) see notes: the pages are theirs alone in the
role table (staff/page_access.py) and the note list is left out of every other role's page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import linebreaks_filter
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solidarity.core.errors import DomainError
from solidarity.staff.roles import Role, has_role


class CaseNoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Stored encrypted; only caseworkers read it. Never write it into public fields."),
    )


def may_read_notes(request: HttpRequest) -> bool:
    return has_role(request.user, Role.CASEWORKER)


def render_notes(notes: Iterable[Any], add_url: str) -> SafeString:
    """The notes, oldest first, decrypted, with a link to add one."""
    rows = [
        (
            f"{date_format(timezone.localtime(note.created_at), 'DATETIME_FORMAT')} · {note.author.get_username() if note.author else '—'}",
            linebreaks_filter(note.text),
        )
        for note in notes
    ]
    listed = (
        format_html_join("", '<li><p class="help">{}</p>{}</li>', rows)
        if rows
        else format_html("<li>{}</li>", _("No notes yet."))
    )
    return format_html('<ul class="case-notes">{}</ul><p><a href="{}">{}</a></p>', listed, add_url, _("Add a note"))


def note_page(
    request: HttpRequest,
    admin_site: admin.AdminSite,
    *,
    subject: str,
    back_url: str,
    add_note: Callable[[str], Any],
) -> HttpResponse:
    """GET: the form; POST: add the note through `add_note(text)` and go back to the record."""
    form = CaseNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(durable=True):
                add_note(form.cleaned_data["text"])
        except DomainError as refused:
            form.add_error("text", refused.message)
        else:
            messages.success(request, _("The note was added."))
            return HttpResponseRedirect(back_url)
    context = {
        **admin_site.each_context(request),
        "title": _("Add a case note"),
        "subject": subject,
        "form": form,
        "back_url": back_url,
    }
    response = TemplateResponse(request, "admin/case_note.html", context)
    response["Cache-Control"] = "no-store"
    return response
