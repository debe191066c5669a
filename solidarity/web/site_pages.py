"""The site's own pages: the language redirect at /, the about and privacy texts, who runs the
fund (contact) and advice on giving safely. Same for every anonymous reader: no cookies, no
tokens."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language_from_request
from django.views.decorators.http import require_safe

from solidarity.core.caching import reader_page
from solidarity.foundation.selectors import foundation_profile
from solidarity.payments.providers.bank_transfer import foundation_account


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


@require_safe
@reader_page
def contact(request: HttpRequest) -> HttpResponse:
    """Who runs the fund: the legal entity, how to reach it safely, how to check the onion address."""
    return render(request, "pages/contact.html", {"foundation": foundation_profile()})


@require_safe
@reader_page
def giving_safely(request: HttpRequest) -> HttpResponse:
    """Plain advice for donors in countries where giving is dangerous."""
    context = {"foundation": foundation_profile(), "account": foundation_account()}
    return render(request, "pages/giving_safely.html", context)
