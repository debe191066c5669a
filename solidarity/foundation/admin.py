"""Back office: one page to edit who runs the fund (admin role); saving goes through the service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from solidarity.foundation.models import EDITABLE_FIELDS, FoundationProfile
from solidarity.foundation.services import update_foundation_profile
from solidarity.staff.roles import Role, has_role


@admin.register(FoundationProfile)
class FoundationProfileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The changelist of this one-row table opens the row itself (`/staff/foundation/foundationprofile/`)."""

    fields = EDITABLE_FIELDS
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ("updated_at", "updated_by")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return (*EDITABLE_FIELDS, "updated_at", "updated_by")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.ADMIN)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.ADMIN)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.ADMIN)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        profile = FoundationProfile.objects.filter(pk=1).first()
        if profile is None:
            profile = update_foundation_profile(actor=request.user)  # the empty row: settings show through
        return HttpResponseRedirect(reverse("admin:foundation_foundationprofile_change", args=[profile.pk]))

    def save_model(self, request: HttpRequest, obj: FoundationProfile, form: Any, change: bool) -> None:
        update_foundation_profile(
            actor=request.user, **{name: form.cleaned_data.get(name, "") for name in EDITABLE_FIELDS}
        )
