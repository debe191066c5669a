"""The OpenAPI document: valid OpenAPI 3, every response described, one error shape."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import schemathesis
from django.test import Client

pytestmark = pytest.mark.django_db
ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture
def document(api: Client) -> dict[str, Any]:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, path, op) for path, item in document["paths"].items() for m, op in item.items()]


def test_the_document_is_valid_openapi_3(document) -> None:
    assert document["openapi"].startswith("3.")
    schemathesis.openapi.from_dict(document).validate()  # raises on any violation of the OpenAPI schema
    broken = copy.deepcopy(document)
    broken["paths"]["/api/v1/campaigns"]["get"]["responses"] = "nothing"
    with pytest.raises(Exception, match=r"responses|nothing"):
        schemathesis.openapi.from_dict(broken).validate()


def test_every_error_response_has_the_one_error_body(document) -> None:
    for method, path, op in operations(document):
        statuses = op["responses"]
        assert any(s.startswith("2") for s in statuses), (method, path)
        assert "422" in statuses, (method, path)
        for status, response in statuses.items():
            if status.startswith("4"):
                assert response["content"]["application/json"]["schema"]["$ref"] == ERROR_REF, (method, path, status)
    error = document["components"]["schemas"]["ErrorDetail"]
    assert set(error["required"]) == {"code", "message"}


def test_staff_operations_document_401_and_403_and_need_the_bearer_token(document) -> None:
    staff = [(m, p, op) for m, p, op in operations(document) if p.startswith("/api/v1/staff/")]
    assert len(staff) == 19  # statements (issue 14.5): +candidates, confirm, undo, dismiss
    for method, path, op in staff:
        assert {"401", "403"} <= set(op["responses"]), (method, path)
        assert op["security"] == [{"StaffToken": []}], (method, path)
    assert document["components"]["securitySchemes"]["StaffToken"] == {"type": "http", "scheme": "bearer"}


def test_public_operations_document_429_with_retry_after(document) -> None:
    public = [(m, p, op) for m, p, op in operations(document) if not p.startswith("/api/v1/staff/")]
    assert len(public) == 8  # campaigns (2), supporters, receipt check, ledger log (4)
    for method, path, op in public:
        assert "security" not in op, (method, path)
        assert "Retry-After" in op["responses"]["429"]["headers"], (method, path)


def test_every_post_accepts_an_idempotency_key_and_documents_its_answers(document) -> None:
    posts = [(p, op) for m, p, op in operations(document) if m == "post"]
    assert posts
    for path, op in posts:
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
        assert names == ["Idempotency-Key"], path
        assert {"409", "422"} <= set(op["responses"]), path
        ok = next(r for s, r in op["responses"].items() if s.startswith("2"))
        assert "Idempotent-Replayed" in ok["headers"], path


def test_money_amounts_are_documented_as_strings(document) -> None:
    money = document["components"]["schemas"]["MoneyOut"]["properties"]
    assert money["amount"]["type"] == "string" and "pattern" in money["amount"]
    assert money["minor"]["type"] == "integer"


def test_the_staff_channels_in_the_schema_are_the_services(document) -> None:
    from solidarity.donations.models import STAFF_CHANNELS

    channel = document["components"]["schemas"]["StaffDonationIn"]["properties"]["channel"]
    assert set(channel["enum"]) == {str(c) for c in STAFF_CHANNELS}
