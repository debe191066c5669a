"""The API reference reads without JavaScript: every operation and schema of the OpenAPI document."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from solidarity.api.api import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def test_the_reference_page_shows_every_operation_and_schema_without_a_script(client) -> None:
    response = client.get("/api/v1/reference/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html
    document = api.get_openapi_schema()
    for path, item in document["paths"].items():
        for method in item:
            assert f"<code>{method.upper()} {path}</code>" in html, f"{method} {path} is missing"
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    # Every link to a schema lands on a section of the page.
    targets = set(re.findall(r'id="(schema-[^"]+)"', html))
    assert set(re.findall(r'href="#(schema-[^"]+)"', html)) <= targets


def test_the_interactive_docs_point_readers_without_javascript_to_the_reference(client) -> None:
    html = client.get("/api/v1/docs").content.decode()
    assert (
        '<noscript><p>This page needs JavaScript. The same reference as plain HTML: <a href="/api/v1/reference/">'
        in html
    )
