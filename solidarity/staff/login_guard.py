"""Login throttling without storing addresses, and session limits for staff.

Failed logins are counted per username (an HMAC of it, in the cache, expiring), so a
password-guessing run against one account is slowed however many addresses it uses;
nothing about the client is kept. Sessions end after 3 hours idle (a rolling cookie) and
12 hours after login whatever happens.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60
ABSOLUTE_SESSION_SECONDS = 12 * 3600


def _key(username: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"login:{username.strip().lower()}".encode(), hashlib.sha256)
    return f"login-failures:{digest.hexdigest()[:32]}"


def is_locked_out(username: str) -> bool:
    return int(cache.get(_key(username)) or 0) >= MAX_FAILURES


@receiver(user_login_failed)
def _count_failure(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    key = _key(str(credentials.get("username", "")))
    if not cache.add(key, 1, LOCKOUT_SECONDS):
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 1, LOCKOUT_SECONDS)


@receiver(user_logged_in)
def _stamp_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    cache.delete(_key(user.get_username()))
    if hasattr(request, "session"):
        request.session["login_at"] = int(time.time())


class StaffSessionMiddleware:
    """Ends a session 12 h after login; marks every staff page no-store."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            login_at = request.session.get("login_at", 0)
            if time.time() - login_at > ABSOLUTE_SESSION_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
        response = self.get_response(request)
        if request.path.startswith("/staff/"):
            response["Cache-Control"] = "no-store"
        return response
