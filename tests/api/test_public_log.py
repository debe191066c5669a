"""The public log through the API: the same checkpoint and proofs as the site."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from solidarity.publiclog.merkle import verify_consistency, verify_inclusion
from solidarity.publiclog.sealing import seal_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def test_no_checkpoint_is_a_json_404(client) -> None:
    response = client.get("/api/v1/ledger/checkpoint")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_checkpoint_entries_and_proofs(client) -> None:
    call_command("load_demo", stdout=io.StringIO())
    first = seal_log().tree_size
    call_command("load_demo", stdout=io.StringIO())  # idempotent: nothing new
    checkpoint = client.get("/api/v1/ledger/checkpoint").json()
    assert checkpoint["tree_size"] == first
    entries = client.get("/api/v1/ledger/entries?start=0&limit=5").json()["entries"]
    assert [e["index"] for e in entries] == [0, 1, 2, 3, 4]
    proof = client.get(f"/api/v1/ledger/inclusion/{first - 1}").json()
    assert verify_inclusion(
        proof["index"],
        proof["tree_size"],
        bytes.fromhex(proof["leaf_hash"]),
        [bytes.fromhex(h) for h in proof["path"]],
        bytes.fromhex(proof["root_hash"]),
    )
    consistency = client.get(f"/api/v1/ledger/consistency?first=3&second={first}").json()
    assert verify_consistency(
        3,
        first,
        bytes.fromhex(consistency["first_root"]),
        bytes.fromhex(consistency["second_root"]),
        [bytes.fromhex(h) for h in consistency["path"]],
    )
    assert client.get("/api/v1/ledger/inclusion/99999").status_code == 404
