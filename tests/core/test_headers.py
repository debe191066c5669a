"""Every page type carries the security headers; reader pages set no cookie."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
READER_PAGES = ["/en/", "/en/campaigns/", "/ru/about/", "/en/privacy/"]


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def all_pages(campaign) -> list[str]:
    return [
        *READER_PAGES,
        f"/en/campaigns/{campaign.slug}/",
        f"/en/campaigns/{campaign.slug}/donate/",
        "/en/receipts/",
        "/staff/login/",
    ]


def test_security_headers_on_every_page_type(client, campaign) -> None:
    for path in all_pages(campaign):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, path
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        form_page = path.endswith(("/donate/", "/receipts/", "/staff/login/"))
        assert response["Referrer-Policy"] == ("same-origin" if form_page else "no-referrer"), path
        assert response["X-Frame-Options"] == "DENY", path
        assert "camera=()" in response["Permissions-Policy"], path
        assert response["X-Content-Type-Options"] == "nosniff", path


def test_reader_pages_set_no_cookie(client, campaign) -> None:
    for path in [*READER_PAGES, f"/en/campaigns/{campaign.slug}/"]:
        response = client.get(path)
        assert not response.cookies, path
        assert "no-store" not in response.get("Cache-Control", ""), path


def test_form_pages_set_no_cookie_and_are_not_stored(client, campaign) -> None:
    for path in [f"/en/campaigns/{campaign.slug}/donate/", "/en/receipts/", "/en/help/"]:
        response = client.get(path)
        assert not response.cookies and not client.cookies, path
        assert "no-store" in response["Cache-Control"], path
        assert response["Referrer-Policy"] == "same-origin", path  # so the browser sends a real Origin


def test_onion_location_when_configured(client, settings, campaign) -> None:
    settings.SOLIDARITY_ONION_URL = "http://solidarityexample.onion"
    assert client.get("/en/campaigns/")["Onion-Location"] == "http://solidarityexample.onion/en/campaigns/"


def test_no_third_party_resources_in_pages(client, campaign) -> None:
    import re

    for path in all_pages(campaign):
        html = client.get(path).content.decode()
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not re.match(r"^(https?:)?//", url), (path, url)
