"""Writes: staff edit who runs the fund (the admin role), audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from solidarity.core.caching import forget_reader_pages, paths_in_every_language
from solidarity.core.errors import DomainError
from solidarity.foundation.models import EDITABLE_FIELDS, FoundationProfile
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit

# The reader pages that show the profile (every language): told at once when it changes.
PAGES_SHOWING_IT = ("campaigns:contact", "campaigns:giving_safely")


def _page_paths() -> list[str]:
    return [path for name in PAGES_SHOWING_IT for path in paths_in_every_language(name)]


def update_foundation_profile(*, actor: Any, **values: str) -> FoundationProfile:
    """Set the profile's fields (an empty one falls back to the settings). Admin role; audited
    with the names of the fields that changed."""
    require_role(actor, Role.ADMIN)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        profile, _created = FoundationProfile.objects.select_for_update().get_or_create(pk=1)
        changed = []
        for name, value in values.items():
            value = (value or "").strip()
            if getattr(profile, name) != value:
                setattr(profile, name, value)
                changed.append(name)
        if changed:
            profile.updated_at = timezone.now()
            profile.updated_by = actor if getattr(actor, "pk", None) else None
            profile.full_clean()
            profile.save()
            record_audit(actor=actor, action="foundation.update_profile", target=profile, fields=",".join(changed))
            paths = _page_paths()
            transaction.on_commit(lambda: forget_reader_pages(paths))
    return profile
