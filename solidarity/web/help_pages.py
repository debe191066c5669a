"""The public help request form. Works without JavaScript; never cached; files stay in
memory; sets no cookie.

The upload handlers must be swapped before anything reads request.POST, and the form
token check reads it. So the outer view only installs the handler; the inner one is the
public form, checked by its form token (core.form_tokens) instead of a CSRF cookie.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from solidarity.core.errors import DomainError
from solidarity.core.form_tokens import public_form, remember_first_result
from solidarity.helprequests.attachments import MAX_ATTACHMENTS, AttachmentRefused, max_attachment_bytes
from solidarity.helprequests.forms import HelpRequestForm
from solidarity.helprequests.services import retention_days, submit_help_request
from solidarity.helprequests.uploads import BoundedMemoryUploadHandler


@csrf_exempt  # the inner view checks the form token instead
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def help_request_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        request.upload_handlers = [
            BoundedMemoryUploadHandler(request, per_file_limit=max_attachment_bytes(), max_files=MAX_ATTACHMENTS)
        ]
    return _help_request_form(request)


def _render_form(request: HttpRequest, form: HelpRequestForm, status: int = 200) -> HttpResponse:
    return render(request, "helprequests/form.html", {"form": form}, status=status)


@public_form("help_request")
def _help_request_form(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_form(request, HelpRequestForm())
    form = HelpRequestForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_form(request, form, status=400)
    data = form.cleaned_data
    try:
        help_request = submit_help_request(
            contact=data["contact"],
            prisoner_name=data["prisoner_name"],
            situation=data["situation"],
            needs=data["needs"],
            amount=data["money"],
            attachments=[upload.read() for upload in data["attachments"]],
        )
    except AttachmentRefused as exc:
        form.add_error("attachments", exc.message)
        return _render_form(request, form, status=400)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _render_form(request, form, status=400)
    # Rendered, not redirected: the reference must not end up in a URL or the browser history.
    # Sending the form again (a reload) leads to a page saying it was sent, and sends nothing.
    remember_first_result(request, reverse("helprequests:sent"))
    context = {"reference": help_request.display_reference, "retention_days": retention_days()}
    return render(request, "helprequests/sent.html", context)


@never_cache
@require_http_methods(["GET", "HEAD"])
def help_request_already_sent(request: HttpRequest) -> HttpResponse:
    """Where a repeated help request leads: it was received once; nothing was sent again."""
    return render(request, "helprequests/already_sent.html", {"retention_days": retention_days()})
