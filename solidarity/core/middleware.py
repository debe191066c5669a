"""Response headers every page carries, and privacy defaults for donor-specific pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    """Referrer-Policy for form pages, Permissions-Policy, Onion-Location, and no-store
    wherever a cookie is set.

    A response that sets a cookie (a CSRF token for a form, a staff session) is specific
    to one person and must never be kept by a shared cache or the browser's history.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _holds_csrf_form(response):
            # Under no-referrer the browser would post this page's form with
            # `Origin: null`, which the CSRF check must refuse.
            response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if settings.SOLIDARITY_ONION_URL:
            response.setdefault("Onion-Location", settings.SOLIDARITY_ONION_URL + request.get_full_path())
        if response.cookies:
            response["Cache-Control"] = "no-store"
        return response


def _holds_csrf_form(response: HttpResponse) -> bool:
    if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
        return False
    return b'name="csrfmiddlewaretoken"' in response.content
