from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name and, for the language switcher, this page's address in every language."""
    path = request.get_full_path()
    return {
        "site_name": settings.SOLIDARITY_SITE_NAME,
        "language_links": [(code, name, translate_url(path, code)) for code, name in settings.LANGUAGES],
    }
