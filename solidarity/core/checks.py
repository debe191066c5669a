"""System checks of core's own: Django's security check W001 looks for its own
SecurityMiddleware by name, which core/middleware.SiteSecurityMiddleware replaces (to serve
the onion address over plain http), so that check is silenced and this one stands in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

SITE_SECURITY = "solidarity.core.middleware.SiteSecurityMiddleware"


@register(Tags.security, deploy=True)
def check_site_security_middleware(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if SITE_SECURITY in settings.MIDDLEWARE:
        return []
    return [
        Warning(
            f"{SITE_SECURITY} is not in MIDDLEWARE: no https redirect, HSTS, nosniff or referrer policy is sent.",
            id="solidarity.W001",
        )
    ]
