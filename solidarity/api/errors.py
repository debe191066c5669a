"""One error body for every failure: {"error": {"code": "...", "message": "..."}}.

`code` is for programs (stable, snake_case), `message` for people. Domain errors raised
by the services keep their own code; HTTP-level failures get the codes below.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from pydantic import Field

from solidarity.api.tokens import TokenRejected
from solidarity.core.errors import DomainError, InvalidTransition, NotAllowed
from solidarity.staff.services import record_audit

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)
STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict"}


class ErrorDetail(Schema):
    code: str = Field(description="Machine-readable, stable, snake_case.", examples=["not_found"])
    message: str = Field(description="For people; may change wording.", examples=["No such campaign."])


class ErrorOut(Schema):
    error: ErrorDetail


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str) -> HttpResponse:
    """An error outside ninja's handlers (the idempotency layer answers before the operation)."""
    response = HttpResponse(json.dumps(error_body(code, message)), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def with_errors(ok: dict[int, Any], *statuses: int) -> dict[int, Any]:
    """A `response=` mapping: the success schemas plus ErrorOut for each error status."""
    return {**ok, **dict.fromkeys(statuses, ErrorOut)}


def _validation_message(errors: list[dict[str, Any]]) -> str:
    parts = []
    for err in errors[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
    return "; ".join(parts) or "The request is not valid."


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default error bodies with ours, status by status."""

    def reply(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
        return api.create_response(request, error_body(code, message), status=status)

    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        if isinstance(exc, NotAllowed):
            token = getattr(request, "auth", None)
            if token is not None:  # a refused staff attempt is worth knowing about
                record_audit(actor=token.user, action="api.denied", path=request.path, reason=exc.message)
            return reply(request, 403, exc.code, exc.message)
        status = 409 if isinstance(exc, InvalidTransition) else 400
        return reply(request, status, exc.code, exc.message)

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return reply(request, 422, "validation_error", _validation_message(exc.errors))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return reply(request, 404, "not_found", str(exc) or "Not found.")

    def rejected_token(request: HttpRequest, exc: TokenRejected) -> HttpResponse:
        response = reply(request, 401, exc.code, exc.message)
        response["WWW-Authenticate"] = 'Bearer realm="solidarity", error="invalid_token"'
        return response

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = reply(request, 401, "unauthorized", "Send a staff API token: Authorization: Bearer <token>.")
        response["WWW-Authenticate"] = 'Bearer realm="solidarity"'
        return response

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return reply(request, 429, "rate_limited", "Too many requests from this client; retry after a while.")

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        if settings.DEBUG:
            raise exc  # Django's technical page, for developers
        logger.error("API error in %s %s", request.method, request.path, exc_info=exc)  # never the client address
        return reply(request, 500, "server_error", "Something went wrong on our side.")

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return reply(request, exc.status_code, STATUS_CODES.get(exc.status_code, "http_error"), str(exc))

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (DomainError, domain_error),
        (ValidationError, validation_error),
        (Http404, not_found),
        (TokenRejected, rejected_token),
        (AuthenticationError, unauthenticated),
        (Throttled, throttled),
        (HttpError, http_error),
        (Exception, server_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
