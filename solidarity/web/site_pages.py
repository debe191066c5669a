"""The site's own pages: the language redirect at / and the about and privacy texts. Same for
every anonymous reader: no cookies, no tokens."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language_from_request
from django.views.decorators.http import require_safe

from solidarity.core.caching import reader_page


@require_safe
def root(request: HttpRequest) -> HttpResponse:
    """Send / to the reader's language from Accept-Language, without setting a cookie."""
    language = get_language_from_request(request, check_path=False)
    response = HttpResponseRedirect(f"/{language}/")
    response["Vary"] = "Accept-Language"
    return response


@require_safe
@reader_page
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html")


@require_safe
@reader_page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")
