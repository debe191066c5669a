"""Staff-side writes that every other service shares: the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from solidarity.staff.models import AuditEntry


def record_audit(*, actor: Any, action: str, target: models.Model | None = None, **summary: Any) -> AuditEntry:
    """Append an audit entry. Call it inside the action's transaction so both commit or neither."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary={
            k: v if isinstance(v, (str, int, bool, type(None), dict, list)) else str(v) for k, v in summary.items()
        },
    )
