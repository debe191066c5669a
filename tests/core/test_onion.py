"""The onion address is served over plain http: no redirect to https, no HSTS, no
Onion-Location pointing at itself — while every clearnet host keeps all three."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
ONION = "solidarity2example7d4fq3tqkqhx5ncz6rb6bbuqy3f7iuv5g7oaakxm3kqid.onion"


@pytest.fixture
def production(settings):
    """The production security settings (DJANGO_DEBUG=0) with an onion address configured."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SOLIDARITY_ONION_URL = f"http://{ONION}"
    settings.SOLIDARITY_ONION_HOST = ONION
    settings.ALLOWED_HOSTS = ["solidarity.example", ONION]
    return settings


def test_an_onion_request_is_answered_over_http_without_redirect_or_hsts(production, campaign) -> None:
    onion = Client(HTTP_HOST=ONION)
    for path in ("/en/", f"/en/campaigns/{campaign.slug}/", "/en/transparency/", "/public-log/checkpoint.json"):
        response = onion.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert "Location" not in response
        assert "Strict-Transport-Security" not in response
        assert "Onion-Location" not in response


def test_the_onion_root_redirects_to_a_language_on_the_onion(production) -> None:
    response = Client(HTTP_HOST=ONION).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/") and "https://" not in response["Location"]


def test_clearnet_keeps_the_https_redirect_hsts_and_announces_the_onion(production) -> None:
    plain = Client(HTTP_HOST="solidarity.example").get("/en/")
    assert plain.status_code == 301 and plain["Location"] == "https://solidarity.example/en/"
    secure = Client(HTTP_HOST="solidarity.example", HTTP_X_FORWARDED_PROTO="https").get("/en/")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert secure["Onion-Location"] == f"http://{ONION}/en/"


def test_a_lookalike_host_is_not_treated_as_the_onion(production) -> None:
    response = Client(HTTP_HOST=f"{ONION}.evil.example").get("/en/")
    assert response.status_code == 400  # not an allowed host, and never served without https


def test_the_deploy_check_stands_in_for_djangos_security_middleware_check(settings) -> None:
    from solidarity.core.checks import check_site_security_middleware

    assert check_site_security_middleware() == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("SiteSecurityMiddleware")]
    assert [w.id for w in check_site_security_middleware()] == ["solidarity.W001"]
