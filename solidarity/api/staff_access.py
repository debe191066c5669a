"""What every staff operation does first and last: check the token's scope, and audit the use.

The token's scope is checked here; the user's current role is checked again by the
service itself (`require_role`), so a role taken away since the token was made stops it.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from solidarity.api.auth import token_of
from solidarity.api.tokens import require_scope
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit


def staff_actor(request: HttpRequest, *roles: Role) -> Any:
    """The token's user, once the token carries one of `roles` and the user still holds it
    (else NotAllowed → 403). Reads need this; services check the role again themselves."""
    token = token_of(request)
    require_scope(token, *roles)
    require_role(token.user, *roles)
    return token.user


def record_api_use(request: HttpRequest, operation: str, *, target: models.Model | None = None, **summary: Any) -> None:
    """Audit one staff API call as `api.<operation>`; call it inside the action's transaction."""
    token = token_of(request)
    record_audit(actor=token.user, action=f"api.{operation}", target=target, token=token.prefix, **summary)
