"""Creating, revoking and checking staff API tokens.

A token is a bearer credential: whoever holds it acts as its user, without a password or
a second factor. That is why it is only made by a user who passed the second factor in
the back office (or by an operator with shell access), lives at most 90 days, can be
narrowed to some of the user's roles, is shown once and stored only as a hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.api.models import ApiToken
from solidarity.core.errors import DomainError, InvalidTransition, NotAllowed
from solidarity.staff.roles import Role, has_role, require_role
from solidarity.staff.services import record_audit

MAX_DAYS = 90
# Not a secret: a public marker, so that secret scanners and people recognise our tokens.
TOKEN_PREFIX = "sol_"  # noqa: S105


class TokenRejected(Exception):
    """A presented token is unknown, expired, revoked, or its user may no longer use the API."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def user_roles(user: Any) -> list[str]:
    """The roles a user holds now: all of them for a superuser, else their role groups."""
    if user.is_superuser:
        return [str(r) for r in Role]
    names = set(user.groups.values_list("name", flat=True))
    return [str(r) for r in Role if str(r) in names]


def create_api_token(
    *, user: Any, name: str, days: int, actor: Any, scopes: Iterable[str] | None = None
) -> CreatedToken:
    """Make a token for `user`, valid `days` days (1–90), acting in `scopes` (default: all the
    user's roles; never more). The secret exists only in the return value.

    A person makes tokens for themself; only an admin may make one for someone else.
    `actor=None` is an operator at the server's shell (the management command).
    """
    if actor is not None and getattr(actor, "pk", None) != user.pk:
        require_role(actor, Role.ADMIN)
    if not (user.is_active and user.is_staff):
        raise NotAllowed(_("API tokens are only for active staff members."))
    if not name.strip():
        raise DomainError(_("Name the token after what it is for."))
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(_("A token lives between 1 and %(days)s days.") % {"days": MAX_DAYS}, code="invalid_expiry")
    held = user_roles(user)
    requested = set(held if scopes is None else scopes)
    extra = sorted(requested - set(held))
    if extra:
        raise NotAllowed(
            _("%(user)s does not hold the role(s) %(roles)s.")
            % {"user": user.get_username(), "roles": ", ".join(extra)}
        )
    wanted = [role for role in held if role in requested]
    if not wanted:
        raise DomainError(_("The token would have no role: give the user a role first."), code="no_scope")
    prefix = f"{TOKEN_PREFIX}{secrets.token_hex(4)}"
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:80],
            prefix=prefix,
            token_hash=hash_secret(secret),
            scopes=wanted,
            created_by=actor if getattr(actor, "pk", None) else None,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        record_audit(
            actor=actor, action="api.token_create", target=token, user=user.get_username(), scopes=",".join(wanted)
        )
    return CreatedToken(token=token, secret=secret)


def revoke_api_token(*, token: ApiToken, actor: Any) -> ApiToken:
    """Stop a token at once. Its owner or an admin may; revoking twice is refused."""
    if actor is not None and getattr(actor, "pk", None) != token.user_id and not has_role(actor, Role.ADMIN):
        raise NotAllowed(_("Only the token's owner or an admin can revoke it."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            raise InvalidTransition(_("This token is already revoked."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record_audit(actor=actor, action="api.token_revoke", target=locked, prefix=locked.prefix)
    token.refresh_from_db()
    return token


def authenticate_token(secret: str) -> ApiToken:
    """The live token for a presented secret, or TokenRejected saying why not.

    Marks the day of use (one write a day at most, and no address or time of day).
    """
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_secret(secret.strip())).first()
    if token is None:
        raise TokenRejected("token_invalid", _("The token is not valid."))
    if token.revoked_at is not None:
        raise TokenRejected("token_revoked", _("The token was revoked."))
    if token.expires_at <= timezone.now():
        raise TokenRejected("token_expired", _("The token has expired."))
    if not (token.user.is_active and token.user.is_staff):
        raise TokenRejected("token_user_inactive", _("The token's user is no longer an active staff member."))
    today = timezone.localdate()
    if token.last_used_at != today:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=today)
        token.last_used_at = today
    return token


def require_scope(token: ApiToken, *roles: Role) -> None:
    """Raise NotAllowed unless the token was given one of the roles (the services then check
    that the user still holds it)."""
    if not any(str(r) in token.scopes for r in roles):
        names = _(" or ").join(str(r) for r in roles)
        raise NotAllowed(_("This token is not allowed to act in the %(roles)s role.") % {"roles": names})
