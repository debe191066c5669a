"""The public log on the site: signed state, JSON proofs, the bundle, and receipts with proofs."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.settlement import settle_donation
from solidarity.publiclog.merkle import verify_inclusion
from solidarity.publiclog.sealing import seal_log
from solidarity.publiclog.verify_bundle import verify_bundle
from tests.public_forms import FormClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return FormClient(HTTP_HOST="127.0.0.1")


@pytest.fixture
def sealed_demo() -> None:
    call_command("load_demo", stdout=io.StringIO())
    seal_log()


def test_log_page_and_checkpoint_json(client, sealed_demo) -> None:
    html = client.get("/en/transparency/log/").content.decode()
    checkpoint = client.get("/public-log/checkpoint.json").json()
    assert re.search(r'id="tree-size">(\d+)<', html).group(1) == str(checkpoint["tree_size"])  # type: ignore[union-attr]
    assert checkpoint["note"].splitlines()[1] == str(checkpoint["tree_size"])


def test_inclusion_and_consistency_proofs_verify(client, sealed_demo) -> None:
    size = client.get("/public-log/checkpoint.json").json()["tree_size"]
    proof = client.get(f"/public-log/inclusion/{size - 1}.json").json()
    assert verify_inclusion(
        proof["index"],
        proof["tree_size"],
        bytes.fromhex(proof["leaf_hash"]),
        [bytes.fromhex(h) for h in proof["path"]],
        bytes.fromhex(proof["root_hash"]),
    )
    assert client.get(f"/public-log/consistency.json?first={size}").status_code == 200
    assert client.get("/public-log/inclusion/999999.json").status_code == 404
    assert client.get("/public-log/consistency.json?first=x").status_code == 400


def test_downloaded_bundle_verifies_without_the_database(client, sealed_demo, tmp_path: Path) -> None:
    response = client.get("/public-log/bundle.zip")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    report = verify_bundle(tmp_path / "solidarity-log")
    assert report.ok, report


def test_receipt_check_shows_the_donors_inclusion_proof(client, campaign) -> None:
    intent = create_donation_intent(campaign=campaign, amount=Money(Decimal(20), "EUR"), channel="bank_transfer")
    settle_donation(
        donation=intent.donation,
        received=Money(Decimal(20), "EUR"),
        settled_on=intent.donation.created_at.date(),
        asset="bank",
        key="b",
    )
    before = client.post("/en/receipts/", {"code": intent.receipt_code}).content.decode()
    assert "Counted." in before and "inclusion-proof" not in before
    seal_log()
    after = client.post("/en/receipts/", {"code": intent.receipt_code}).content.decode()
    assert 'id="inclusion-proof"' in after and "Entry 0 of the public log" in after
