"""The JSON API, version 1, at /api/v1/: public read-only endpoints and the staff API.

Each area is a small router module mounted below; adding one (the public ledger log, say)
is one module with a `router` and one `add_router` line here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from ninja import NinjaAPI, Router, Swagger

from solidarity.api import (
    public_campaigns,
    public_log,
    public_receipts,
    staff_disbursements,
    staff_donations,
    staff_refunds,
    staff_review,
    staff_statements,
)
from solidarity.api.auth import StaffToken
from solidarity.api.errors import install_error_handlers
from solidarity.api.idempotency import HEADER_DOC, REPLAYED_HEADER, idempotent

DESCRIPTION = """\
Public, read-only endpoints need no authentication and set no cookies; they are
rate-limited per client without storing addresses (429 with `Retry-After`).
Staff endpoints need `Authorization: Bearer <token>` (a per-user token made in the back
office); the token acts only in the roles it was given. Every POST accepts an
`Idempotency-Key`. Money is `{"amount": "1125.00", "currency": "EUR", "minor": 112500}`;
every error is `{"error": {"code": "...", "message": "..."}}`. See docs/api.md.
"""

RETRY_AFTER_DOC = {"description": "Seconds to wait before retrying.", "schema": {"type": "integer", "minimum": 1}}
REPLAYED_DOC = {
    "description": "Present (`true`) when this is the stored response to an earlier request with the same key.",
    "schema": {"type": "string", "enum": ["true"]},
}


class SolidarityApi(NinjaAPI):
    """NinjaAPI with the cross-cutting parts documented and applied in one place."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path_item in schema["paths"].values():
            for method, operation in path_item.items():
                for status, response in operation.get("responses", {}).items():
                    status = str(status)
                    if status == "429":
                        response.setdefault("headers", {})["Retry-After"] = RETRY_AFTER_DOC
                    if method == "post" and (status.startswith("2") or status in ("400", "404", "409")):
                        response.setdefault("headers", {})[REPLAYED_HEADER] = REPLAYED_DOC
                if method == "post":
                    operation.setdefault("parameters", []).append(HEADER_DOC)
        return schema

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        # Staff data and answers to writes are for one client only: never kept by any cache.
        if request.method != "GET" or "Authorization" in request.headers:
            response["Cache-Control"] = "no-store"
        elif response.status_code == 200:
            # Public reads are the same for every reader: a shared cache may keep them as
            # briefly as the reader pages (LocaleMiddleware adds Vary: Accept-Language).
            patch_cache_control(response, public=True, max_age=getattr(settings, "SOLIDARITY_READER_MAX_AGE", 5))
        return response


api = SolidarityApi(
    title="Solidarity API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Swagger UI from our own static files (ninja ships them; "ninja" is an installed app),
    # and no call to swagger.io's validator: the docs page talks to nobody but us.
    docs=Swagger(settings={"validatorUrl": None, "tryItOutEnabled": False, "persistAuthorization": False}),
)
install_error_handlers(api)
api.add_decorator(idempotent, mode="view")

STAFF = StaffToken()
api.add_router("/campaigns", public_campaigns.router)
api.add_router("/receipts", public_receipts.router)
api.add_router("/ledger", public_log.router)
api.add_router("/staff/donations", staff_donations.router, auth=STAFF)
api.add_router("/staff/statements", staff_statements.router, auth=STAFF)
api.add_router("/staff/bank-lines", staff_review.router, auth=STAFF)
api.add_router("/staff/disbursements", staff_disbursements.router, auth=STAFF)
api.add_router("/staff/refunds", staff_refunds.router, auth=STAFF)

# Last: /api/v1/ itself points to the documents, and any other address below it answers
# with the JSON error body, not an HTML page.
fallback = Router()


@fallback.get("", include_in_schema=False)
def api_root(request: HttpRequest) -> dict[str, str]:
    return {"openapi": request.path + "openapi.json", "docs": request.path + "docs", "guide": "docs/api.md"}


@fallback.api_operation(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False)
def unknown_endpoint(request: HttpRequest, rest: str) -> HttpResponse:
    raise Http404("No such API endpoint.")


api.add_router("", fallback)
