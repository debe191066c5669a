"""No cookies, no third parties, and rate limits that store no address."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from solidarity.core.client_pseudonyms import client_pseudonym

pytestmark = pytest.mark.django_db


def cache_keys() -> list[str]:
    """Every key in the cache: the local-memory one (SQLite runs) or Redis (PostgreSQL runs)."""
    if hasattr(cache, "client"):  # django-redis
        return [k.decode() for k in cache.client.get_client(write=False).keys("*")]
    return [str(k) for k in cache._cache]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/campaigns", None),
        ("get", "/api/v1/campaigns/nope", None),
        ("post", "/api/v1/receipts/check", {"code": "AAAA"}),
        ("get", "/api/v1/openapi.json", None),
        ("get", "/api/v1/docs", None),
        ("get", "/api/v1/staff/bank-lines", None),
        ("post", "/api/v1/staff/donations", {}),
    ],
)
def test_api_responses_set_no_cookie(api: Client, campaign, method: str, path: str, body) -> None:
    kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
    response = getattr(api, method)(path, **kwargs)
    assert response.status_code < 500
    assert not response.cookies
    assert "Set-Cookie" not in response


def test_staff_responses_are_never_cached(api: Client, finance) -> None:
    response = api.get("/api/v1/staff/bank-lines", headers=finance.headers)
    assert response.status_code == 200 and not response.cookies
    assert response["Cache-Control"] == "no-store"


def test_docs_page_loads_swagger_from_our_static_files_only(api: Client) -> None:
    html = api.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    urls = re.findall(r"""(?:src|href)=["']([^"']+)""", html)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls)
    assert not re.search(r"https?://|//cdn|jsdelivr|unpkg|cdnjs", html)
    assert '"validatorUrl": null' in html  # Swagger UI would otherwise call validator.swagger.io


def test_receipt_checks_are_rate_limited_with_retry_after(api: Client, settings) -> None:
    settings.SOLIDARITY_API_RECEIPT_CHECKS_PER_MINUTE = 3
    answers = [
        api.post("/api/v1/receipts/check", {"code": f"CODE{i}"}, content_type="application/json") for i in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_public_reads_are_rate_limited_per_client(settings) -> None:
    settings.SOLIDARITY_API_READS_PER_MINUTE = 2
    first = Client(REMOTE_ADDR="203.0.113.1")
    second = Client(REMOTE_ADDR="203.0.113.2")
    assert [first.get("/api/v1/campaigns").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/campaigns").status_code == 200


def test_rate_limit_counts_are_keyed_by_a_pseudonym_not_the_address(settings) -> None:
    settings.SOLIDARITY_API_READS_PER_MINUTE = 5
    client = Client(REMOTE_ADDR="203.0.113.7")
    request = client.get("/api/v1/campaigns").wsgi_request
    keys = cache_keys()
    assert keys
    assert not any("203.0.113.7" in str(k) for k in keys)
    assert any(client_pseudonym(request, window=60) in str(k) for k in keys)


def test_public_reads_may_be_cached_briefly_by_a_shared_cache(api: Client, campaign, settings) -> None:
    settings.SOLIDARITY_READER_MAX_AGE = 5
    response = api.get(f"/api/v1/campaigns/{campaign.slug}")
    assert "public" in response["Cache-Control"] and "max-age=5" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]
    assert "public" not in api.get("/api/v1/campaigns/nope").get("Cache-Control", "")
