"""The public help request form. Works without JavaScript; never cached; files stay in memory.

The upload handlers must be swapped before anything reads request.POST, and the CSRF
middleware reads it before the view runs. So the outer view is exempt from the
middleware's check only to install the handler; the inner one enforces CSRF itself
(the pattern Django's documentation gives for this case).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from solidarity.core.errors import DomainError
from solidarity.helprequests.attachments import MAX_ATTACHMENTS, AttachmentRefused, max_attachment_bytes
from solidarity.helprequests.forms import HelpRequestForm
from solidarity.helprequests.services import retention_days, submit_help_request
from solidarity.helprequests.uploads import BoundedMemoryUploadHandler


@csrf_exempt
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


@csrf_protect
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
    context = {"reference": help_request.display_reference, "retention_days": retention_days()}
    return render(request, "helprequests/sent.html", context)
