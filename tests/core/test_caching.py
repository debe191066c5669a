"""Reader pages: shared caches may keep them for max-age seconds, and never anything personal."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory

from solidarity.core import caching

pytestmark = pytest.mark.django_db

READER_PAGES = ["/en/", "/en/campaigns/", "/en/about/", "/en/privacy/", "/en/transparency/"]


@pytest.fixture(autouse=True)
def fresh_caches():
    cache.clear()
    caching._local.clear()
    yield
    cache.clear()
    caching._local.clear()


@pytest.mark.parametrize("path", READER_PAGES)
def test_reader_pages_are_public_for_a_few_seconds_and_set_no_cookie(path: str, settings) -> None:
    settings.SOLIDARITY_READER_MAX_AGE = 5
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=5"
    assert not response.cookies
    assert "Accept-Language" not in response.get("Vary", "")


def test_campaign_page_is_public(campaign) -> None:
    response = Client().get(f"/en/campaigns/{campaign.slug}/")
    assert response["Cache-Control"].startswith("public, max-age=")


def test_a_request_with_a_session_cookie_is_private(settings) -> None:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "whatever"
    assert Client().get("/en/about/")["Cache-Control"].startswith("public")
    assert client.get("/en/about/")["Cache-Control"] == "private, no-cache"


def test_donor_pages_keep_no_store(campaign) -> None:
    response = Client().get(f"/en/campaigns/{campaign.slug}/donate/")
    assert "no-store" in response["Cache-Control"]


def _view(counter: list[int]):
    @caching.reader_page(max_age=5)
    def view(request):
        counter.append(1)
        return HttpResponse(f"render {len(counter)}")

    return view


def test_render_cache_serves_one_render_with_the_lifetime_left(settings, monkeypatch) -> None:
    settings.SOLIDARITY_READER_RENDER_CACHE = True
    renders: list[int] = []
    view = _view(renders)
    now = [1000.0]
    monkeypatch.setattr(caching.time, "time", lambda: now[0])
    first = view(RequestFactory().get("/en/x/"))
    now[0] += 3.2
    second = view(RequestFactory().get("/en/x/"))
    assert (first.content, second.content) == (b"render 1", b"render 1")
    assert first["Cache-Control"] == "public, max-age=5"
    assert second["Cache-Control"] == "public, max-age=1"  # 5 - 3.2, rounded down: never longer
    now[0] += 2.0
    assert view(RequestFactory().get("/en/x/")).content == b"render 2"


def test_render_cache_skips_staff_and_responses_with_cookies(settings) -> None:
    settings.SOLIDARITY_READER_RENDER_CACHE = True
    renders: list[int] = []
    view = _view(renders)
    staff = RequestFactory().get("/en/x/")
    staff.COOKIES[settings.SESSION_COOKIE_NAME] = "s"
    view(staff)
    view(staff)
    assert len(renders) == 2

    @caching.reader_page(max_age=5)
    def with_cookie(request):
        response = HttpResponse("hi")
        response.set_cookie("csrftoken", "x")
        return response

    first = with_cookie(RequestFactory().get("/en/y/"))
    assert "Cache-Control" not in first
    assert cache.get(caching._cache_key(RequestFactory().get("/en/y/"))) is None


def test_render_cache_is_off_in_development(settings) -> None:
    settings.SOLIDARITY_READER_RENDER_CACHE = False
    renders: list[int] = []
    view = _view(renders)
    view(RequestFactory().get("/en/x/"))
    view(RequestFactory().get("/en/x/"))
    assert len(renders) == 2
    assert time.time() > 0
