"""Bearer-token authentication for the staff API."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja.security import HttpBearer

from solidarity.api.models import ApiToken
from solidarity.api.tokens import TokenRejected, authenticate_token

_CACHED = "_solidarity_api_token"


def _bearer_secret(request: HttpRequest) -> str | None:
    value = request.headers.get("Authorization", "")
    scheme, _, secret = value.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def _checked(request: HttpRequest) -> tuple[ApiToken | None, TokenRejected | None]:
    """The token the request carries and why it was refused, looked up once per request
    (the idempotency layer needs it before the operation's own authentication runs)."""
    if not hasattr(request, _CACHED):
        secret = _bearer_secret(request)
        result: tuple[ApiToken | None, TokenRejected | None] = (None, None)
        if secret is not None:
            try:
                result = (authenticate_token(secret), None)
            except TokenRejected as exc:
                result = (None, exc)
        setattr(request, _CACHED, result)
    return getattr(request, _CACHED)  # type: ignore[no-any-return]


def presented_token(request: HttpRequest) -> ApiToken | None:
    """The live token the request carries, or None."""
    return _checked(request)[0]


class StaffToken(HttpBearer):
    """`Authorization: Bearer <token>`; 401 when it is missing, unknown, expired or revoked."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found, refused = _checked(request)
        if refused is not None:
            raise refused
        return found


def token_of(request: HttpRequest) -> ApiToken:
    """The authenticated token of a staff operation (ninja has checked it before the call)."""
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        raise TokenRejected("token_invalid", gettext("The token is not valid."))
    return token
