"""Back office for API tokens: make one (its secret is shown once), list, revoke.

The back office already demands a verified second factor on every page, so a token is
only ever made by someone who passed it; the token then stands in for password and
second factor together, which is why it is short-lived and narrowed to roles.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, ngettext

from solidarity.api.models import ApiToken
from solidarity.api.tokens import MAX_DAYS, create_api_token, revoke_api_token, user_roles
from solidarity.core.errors import DomainError
from solidarity.staff.roles import Role, has_role


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("What the token is for, e.g. “nightly statement import”."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Days"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=30,
        help_text=format_lazy(gettext_lazy("At most {days} days."), days=MAX_DAYS),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Roles the token may act in; fewer is safer."),
    )

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes = cast(forms.MultipleChoiceField, self.fields["scopes"])
        scopes.choices = [(r, r) for r in roles]
        scopes.initial = roles


def _verified(user: Any) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "prefix", "user", "scope_list", "created_at", "expires_at", "last_used_at", "state")
    list_filter = ("revoked_at",)
    fields = (
        "name",
        "user",
        "prefix",
        "scopes",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description=gettext_lazy("roles"))
    def scope_list(self, obj: ApiToken) -> str:
        return ", ".join(obj.scopes)

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj: ApiToken) -> str:
        if obj.revoked_at:
            return "revoked"
        return "active" if obj.is_active else "expired"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        qs = super().get_queryset(request).select_related("user")
        return qs if has_role(request.user, Role.ADMIN) else qs.filter(user=request.user)

    # Every staff member manages their own tokens; admins see everyone's (to revoke them).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the row stays as a record of what existed

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                revoke_api_token(token=token, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{token}: {exc}", messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", done) % {"count": done},
            messages.SUCCESS,
        )

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        """Make a token for oneself; the secret is shown on the answer page, once."""
        if not _verified(request.user):  # the site checks this too; a token must never skip it
            raise PermissionDenied
        form = NewTokenForm(request.POST or None, roles=user_roles(request.user))
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext_lazy("New API token"),
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            try:
                created = create_api_token(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                    scopes=form.cleaned_data["scopes"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                context.update(title=gettext_lazy("API token created"), token=created.token, secret=created.secret)
                return self._no_store(TemplateResponse(request, "admin/api/apitoken/created.html", context))
        return self._no_store(TemplateResponse(request, "admin/api/apitoken/new.html", context))

    @staticmethod
    def _no_store(response: HttpResponse) -> HttpResponse:
        response["Cache-Control"] = "no-store"
        return response
