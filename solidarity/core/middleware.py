"""Response headers every page carries, and privacy defaults for donor-specific pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.middleware.security import SecurityMiddleware

from solidarity.core.form_tokens import FIELD_NAME

PUBLIC_FORM_MARK = f'name="{FIELD_NAME}"'.encode()


def is_onion_request(request: HttpRequest) -> bool:
    """Whether the request came to the configured onion address (through Tor)."""
    host = request.META.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
    return bool(settings.SOLIDARITY_ONION_HOST) and host == settings.SOLIDARITY_ONION_HOST


class SiteSecurityMiddleware(SecurityMiddleware):
    """Django's SecurityMiddleware, except for the onion address.

    A plain onion service has no certificate, so a redirect to https:// would make the site
    unreachable over Tor, and HSTS is meaningless there: Tor already encrypts and
    authenticates the connection to the onion address. Every other host keeps the
    redirect to https and HSTS.
    """

    def process_request(self, request: HttpRequest) -> HttpResponsePermanentRedirect | None:
        if is_onion_request(request):
            return None
        return super().process_request(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        if is_onion_request(request) and "Strict-Transport-Security" in response:
            del response["Strict-Transport-Security"]
        return response


class SecurityHeadersMiddleware:
    """Referrer-Policy for form pages, Permissions-Policy, Onion-Location (on clearnet
    responses), and no-store
    wherever a cookie is set.

    A response that sets a cookie (a staff session or CSRF token; public forms set none) is
    specific to one person and must never be kept by a shared cache or the browser's history.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _holds_csrf_form(response):
            # Under no-referrer the browser would post this page's form with
            # `Origin: null`, which the CSRF and form-token checks must refuse.
            response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if settings.SOLIDARITY_ONION_URL and not is_onion_request(request):
            response.setdefault("Onion-Location", settings.SOLIDARITY_ONION_URL + request.get_full_path())
        if response.cookies:
            response["Cache-Control"] = "no-store"
        return response


def _holds_csrf_form(response: HttpResponse) -> bool:
    """A staff form (Django's CSRF token) or a public one (core.form_tokens): both are
    checked against `Origin`, which must not be `null`."""
    if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
        return False
    return b'name="csrfmiddlewaretoken"' in response.content or PUBLIC_FORM_MARK in response.content
