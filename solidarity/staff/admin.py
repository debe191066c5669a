from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from solidarity.core.errors import DomainError
from solidarity.staff import package_admin  # noqa: F401  (the packages' pages, translated)
from solidarity.staff.audit_actions import action_name, model_name
from solidarity.staff.audit_admin import AuditedAdminMixin, audit_change
from solidarity.staff.enrolment import invite_to_enrol, reset_second_factors
from solidarity.staff.models import AuditEntry
from solidarity.staff.roles import Role, has_role


class ActionFilter(admin.SimpleListFilter):
    """The actions in the log, by name."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, action_name(code)) for code in codes), key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "actor", "action_shown", "target_kind", "target_id")
    list_filter = (ActionFilter,)
    fields = readonly_fields = ("at", "actor", "action_shown", "target_kind", "target_id", "summary")

    @admin.display(description=_("action"), ordering="action")
    def action_shown(self, obj: AuditEntry) -> str:
        return action_name(obj.action)

    @admin.display(description=_("target type"), ordering="target_type")
    def target_kind(self, obj: AuditEntry) -> str:
        return model_name(obj.target_type) or obj.target_type

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Permission names are stored in English ("Can add donation"): shown in the reader's language.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    action = PERMISSION_ACTIONS.get(permission.codename.split("_", 1)[0])
    if model is None or action is None:
        return permission.name
    return str(action) % {"model": model._meta.verbose_name}


class TranslatedPermissionsMixin:
    """Lists permissions in the reader's language on the user and group pages."""

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if db_field.name in ("permissions", "user_permissions") and field is not None:
            field.label_from_instance = permission_label
        return field


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdminMixin, TranslatedPermissionsMixin, GroupAdmin):  # type: ignore[misc]
    """Roles are groups: each change of one is in the audit log."""


@admin.register(User)
class StaffUserAdmin(AuditedAdminMixin, TranslatedPermissionsMixin, UserAdmin):  # type: ignore[type-arg]
    """Users, plus the second-factor actions: send an enrolment link, reset lost devices."""

    actions = ["send_enrolment_link", "reset_second_factors"]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """A new password is logged as set, never its value or hash."""
        response = super().user_change_password(request, id, form_url)
        member = self.get_object(request, id)
        if request.method == "POST" and response.status_code == 302 and member is not None:
            audit_change(request, member, "change", {"password": {"changed": True}})
        return response

    def has_manage_second_factors_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.ADMIN)

    @admin.action(description=_("Send enrolment link"), permissions=["manage_second_factors"])
    def send_enrolment_link(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        return self._show_links(request, queryset, lambda user: invite_to_enrol(user=user, created_by=request.user))

    @admin.action(
        description=_("Reset second factors (lost device) and send a new enrolment link"),
        permissions=["manage_second_factors"],
    )
    def reset_second_factors(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        return self._show_links(request, queryset, lambda user: reset_second_factors(user=user, reset_by=request.user))

    def _show_links(
        self, request: HttpRequest, queryset: QuerySet[Any], make_link: Callable[[Any], str]
    ) -> HttpResponse | None:
        links = []
        for user in queryset.order_by("username"):
            try:
                links.append((user.get_username(), request.build_absolute_uri(make_link(user))))
            except DomainError as refused:
                self.message_user(request, f"{user.get_username()}: {refused.message}", messages.ERROR)
        if not links:
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enrolment links"),
            "links": links,
            "hours": settings.SOLIDARITY_ENROLMENT_LINK_HOURS,
        }
        response = TemplateResponse(request, "admin/enrolment_links.html", context)
        response["Cache-Control"] = "no-store"
        return response
