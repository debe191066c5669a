"""The reviewer's pages for proposed changes to public campaigns: a diff, accept or reject.

Proposed changes are made by the campaign page (admin.CampaignAdmin), never added here.
Accepting and rejecting go through campaigns.proposals (reviewer role, four eyes).
"""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from solidarity.campaigns import proposals
from solidarity.campaigns.models import CampaignChangeProposal
from solidarity.core.errors import DomainError


def _line_diff(before: str, after: str) -> SafeString:
    """Removed lines as <del>, added lines as <ins>, unchanged lines plain."""
    lines = difflib.ndiff(str(before or "").splitlines(), str(after or "").splitlines())
    shown = [(line[:1], line[2:]) for line in lines if not line.startswith("?")]
    return format_html_join(
        "\n",
        "{}",
        (
            (
                format_html("<del>{}</del>", text)
                if mark == "-"
                else format_html("<ins>{}</ins>", text)
                if mark == "+"
                else text,
            )
            for mark, text in shown
        ),
    )


@admin.register(CampaignChangeProposal)
class CampaignChangeProposalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "campaign", "status", "proposed_by", "proposed_at", "decided_by")
    list_filter = ("status",)
    list_select_related = ("campaign", "proposed_by", "decided_by")
    fields = readonly_fields = (
        "campaign",
        "status",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "note",
        "diff",
    )
    actions = ["accept_selected", "reject_selected"]

    @admin.display(description=_("what changes"))
    def diff(self, obj: CampaignChangeProposal) -> SafeString:
        parts = [
            format_html("<h3>{}</h3><pre>{}</pre>", field, _line_diff(change["before"], change["after"]))
            for field, change in obj.story.items()
        ]
        for row in obj.needs:
            before = row.get("before") or {}
            if row.get("delete"):
                title: Any = format_html("{} #{}", _("need removed"), row["id"])
                after: dict[str, Any] = {}
            else:
                title = format_html("{} #{}", _("need"), row["id"]) if row.get("id") else _("new need")
                after = {k: v for k, v in row.items() if k not in proposals.ROW_KEYS or k == "amount"}
            keys = sorted(set(before) | set(after))
            changed = format_html_join(
                "",
                "<tr><th>{}</th><td><del>{}</del></td><td><ins>{}</ins></td></tr>",
                ((k, before.get(k, ""), after.get(k, "")) for k in keys if before.get(k) != after.get(k)),
            )
            parts.append(format_html("<h3>{}</h3><table>{}</table>", title, changed))
        return format_html_join("", "{}", ((part,) for part in parts))

    def get_queryset(self, request: HttpRequest) -> QuerySet[CampaignChangeProposal]:
        # A reviewer sees every proposed change; an editor only their own.
        queryset = super().get_queryset(request)
        if request.user.has_perm("campaigns.change_campaignchangeproposal"):
            return queryset
        return queryset.filter(proposed_by=request.user.pk)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        if not request.user.has_perm("campaigns.change_campaignchangeproposal"):
            actions.pop("accept_selected", None)
            actions.pop("reject_selected", None)
        return actions

    @admin.action(description=_("Accept the selected proposed changes (a reviewer, not their author)"))
    def accept_selected(self, request: HttpRequest, queryset: QuerySet[CampaignChangeProposal]) -> None:
        self._decide(request, queryset, proposals.accept_change, _("accepted; the public page shows it."))

    @admin.action(description=_("Reject the selected proposed changes"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[CampaignChangeProposal]) -> None:
        self._decide(request, queryset, proposals.reject_change, _("rejected; nothing changed."))

    def _decide(self, request: HttpRequest, queryset: QuerySet[CampaignChangeProposal], step: Any, done: Any) -> None:
        for proposal in queryset:
            try:
                step(proposal=proposal, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{proposal}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{proposal}: {done}", messages.SUCCESS)
