"""Back office for help requests: metadata for anyone with access, content for few.

Only caseworkers (and superusers) open these pages at all (staff/page_access.py). The list
never shows decrypted content. The detail page decrypts it, and each such view or attachment
download writes an audit entry, so reading a family's data leaves a trace. State changes
are actions that call the services. Nothing here edits or deletes a request by hand:
the content is immutable and deletion is the retention purge's job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaks_filter
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solidarity.campaigns.case_notes import note_page, render_notes
from solidarity.core.errors import DomainError
from solidarity.core.formatting import format_money
from solidarity.helprequests import services
from solidarity.helprequests.forms import ApproveForm, RejectForm
from solidarity.helprequests.models import HelpRequest, HelpRequestAttachment
from solidarity.staff.roles import Role, has_role
from solidarity.staff.services import record_audit


def may_read_content(request: HttpRequest) -> bool:
    """Caseworkers read what families wrote; nobody else (superusers own the installation)."""
    return has_role(request.user, Role.CASEWORKER)


class AttachmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = HelpRequestAttachment
    extra = 0
    can_delete = False
    fields = ("name", "content_type", "download")
    readonly_fields = ("name", "content_type", "download")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("download"))
    def download(self, obj: HelpRequestAttachment) -> str:
        url = reverse("admin:helprequests_helprequest_attachment", args=[obj.help_request_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download (decrypted)"))


def _service_action(name: str, label: Any, service: Callable[..., HelpRequest]) -> Any:
    def action(modeladmin: HelpRequestAdmin, request: HttpRequest, queryset: QuerySet[HelpRequest]) -> None:
        for help_request in queryset:
            try:
                service(help_request=help_request, actor=request.user)
            except DomainError as exc:
                modeladmin.message_user(request, f"{help_request}: {exc}", messages.ERROR)
            else:
                modeladmin.message_user(request, f"{help_request}: {label.lower()}.", messages.SUCCESS)

    action.__name__ = name
    return admin.action(description=label, permissions=["change"])(action)


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("display_reference", "state", "created_at", "state_changed_at", "decided_by", "purge_after")
    list_filter = ("state",)
    search_fields = ("reference",)
    date_hierarchy = "created_at"
    inlines = [AttachmentInline]
    actions = [
        _service_action("start_verification", gettext_lazy("Start verification"), services.start_verification),
        "approve_selected",
        "reject_selected",
        _service_action("finish", gettext_lazy("Mark finished"), services.finish_help_request),
    ]
    metadata = ("reference", "state", "created_at", "state_changed_at", "decided_by", "campaign", "purge_after")

    @admin.display(description=gettext_lazy("reference"), ordering="reference")
    def display_reference(self, obj: HelpRequest) -> str:
        return obj.display_reference

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if not may_read_content(request):
            return (*self.metadata, "content_hidden")
        return (*self.metadata, "content", "case_notes")

    @admin.display(description=gettext_lazy("case notes"))
    def case_notes(self, obj: HelpRequest) -> SafeString:
        # Only in a caseworker's fields (get_fields).
        add_url = reverse("admin:helprequests_helprequest_note", args=[obj.pk])
        return render_notes(obj.case_notes.select_related("author", "help_request__data_key"), add_url)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    @admin.display(description=gettext_lazy("content"))
    def content_hidden(self, obj: HelpRequest) -> str:
        return _("Only staff allowed to read help requests can see the content.")

    @admin.display(description=gettext_lazy("content"))
    def content(self, obj: HelpRequest) -> SafeString:
        # Only reachable through get_fields, i.e. after may_read_content().
        data = obj.open_content()
        rows = [
            (_("Person in detention"), linebreaks_filter(data.prisoner_name)),
            (_("What happened"), linebreaks_filter(data.situation)),
            (_("Help needed"), linebreaks_filter(data.needs)),
            (_("Amount"), format_money(data.amount) if data.amount else "—"),
            (_("Contact"), linebreaks_filter(data.contact)),
        ]
        if data.rejection_reason:
            rows.append((_("Reason for rejection"), linebreaks_filter(data.rejection_reason)))
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[HelpRequest], search_term: str) -> Any:
        # Accept the reference as the family reads it out: "7k3m-q9xp", "7K3M Q9XP".
        normalized = "".join(ch for ch in search_term.upper() if ch.isalnum())
        return super().get_search_results(request, queryset, normalized)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come from the public form only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deletion is the audited retention purge

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied  # nothing on the page is editable
        response = super().change_view(request, object_id, form_url, {**(extra_context or {}), "show_save": False})
        if response.status_code == 200 and may_read_content(request):
            with transaction.atomic(durable=True):
                record_audit(
                    actor=request.user, action="helprequest.view_content", target=self.get_object(request, object_id)
                )
        response["Cache-Control"] = "no-store"
        return response

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "<int:object_id>/attachments/<int:attachment_id>/",
                self.admin_site.admin_view(self.download_attachment),
                name="helprequests_helprequest_attachment",
            ),
            path(
                "<int:object_id>/notes/add/",
                self.admin_site.admin_view(self.add_note_view),
                name="helprequests_helprequest_note",
            ),
        ]
        return custom + super().get_urls()

    def add_note_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if not may_read_content(request):
            raise PermissionDenied
        help_request = get_object_or_404(HelpRequest, pk=object_id)
        return note_page(
            request,
            self.admin_site,
            subject=help_request.display_reference,
            back_url=reverse("admin:helprequests_helprequest_change", args=[help_request.pk]),
            add_note=lambda text: services.add_request_note(help_request=help_request, text=text, actor=request.user),
        )

    def download_attachment(self, request: HttpRequest, object_id: int, attachment_id: int) -> HttpResponse:
        """The decrypted file, as a download that no cache keeps and no browser renders inline."""
        if not (self.has_view_permission(request) and may_read_content(request)):
            raise PermissionDenied
        attachment = HelpRequestAttachment.objects.filter(pk=attachment_id, help_request_id=object_id).first()
        if attachment is None:
            raise Http404
        data = attachment.open_bytes()
        with transaction.atomic(durable=True):
            record_audit(
                actor=request.user,
                action="helprequest.download_attachment",
                target=attachment.help_request,
                attachment=attachment.pk,
            )
        response = HttpResponse(data, content_type=attachment.content_type)
        response["Content-Disposition"] = f'attachment; filename="{attachment.name}"'
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.action(description=gettext_lazy("Approve and create a draft campaign…"), permissions=["change"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[HelpRequest]) -> HttpResponse | None:
        """Asks for the pseudonym and the family's consent on an intermediate page, for one request."""
        if not may_read_content(request):
            raise PermissionDenied
        if queryset.count() != 1:
            self.message_user(request, _("Approve one request at a time."), messages.ERROR)
            return None
        help_request = queryset.get()
        form = ApproveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                services.approve_help_request(
                    help_request=help_request,
                    actor=request.user,
                    pseudonym=form.cleaned_data["pseudonym"],
                    consent=form.consent(),
                    beneficiary_status=form.cleaned_data["beneficiary_status"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request, _("%(request)s: approved; a draft campaign was created.") % {"request": help_request}
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Approve a help request"),
            "form": form,
            "help_request": help_request,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        response = TemplateResponse(request, "helprequests/admin/approve.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=gettext_lazy("Reject…"), permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[HelpRequest]) -> HttpResponse | None:
        """Asks for the reason on an intermediate page, then rejects each selected request."""
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for help_request in queryset:
                try:
                    services.reject_help_request(
                        help_request=help_request, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                except DomainError as exc:
                    self.message_user(request, f"{help_request}: {exc}", messages.ERROR)
                else:
                    self.message_user(request, f"{help_request}: {_('rejected')}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject help requests"),
            "form": form,
            "queryset": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        response = TemplateResponse(request, "helprequests/admin/reject.html", context)
        response["Cache-Control"] = "no-store"
        return response
