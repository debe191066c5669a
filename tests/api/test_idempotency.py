"""Idempotency-Key: replay, mismatch, in-progress, expiry, and nothing readable left behind."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.test.client import encode_multipart
from django.utils import timezone

from solidarity.api.idempotency import _key_hash
from solidarity.api.models import IdempotencyRecord
from solidarity.donations.models import Donation
from tests.payments.camt_builder import camt

pytestmark = pytest.mark.django_db
KEY = "4f6c1e9a-7d2b-4c3e-9a51-0b8e2f1d7c6a"
URL = "/api/v1/staff/donations"


def body(campaign, amount: str = "40.00") -> dict:
    return {"campaign": campaign.slug, "amount": {"amount": amount, "currency": "EUR"}, "channel": "cash"}


def post(api: Client, staff, payload: dict, key: str = KEY):
    return api.post(URL, payload, content_type="application/json", headers={**staff.headers, "Idempotency-Key": key})


def test_a_repeat_replays_the_first_response_and_records_nothing_twice(api: Client, finance, campaign) -> None:
    first = post(api, finance, body(campaign))
    second = post(api, finance, body(campaign))
    assert first.status_code == second.status_code == 201
    assert second.content == first.content  # the same donation, the same receipt code
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Donation.objects.count() == 1


def test_the_same_key_with_another_body_is_422(api: Client, finance, campaign) -> None:
    post(api, finance, body(campaign))
    reused = post(api, finance, body(campaign, amount="41.00"))
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert Donation.objects.count() == 1


def test_the_same_key_on_another_path_is_422(api: Client, finance, campaign) -> None:
    post(api, finance, body(campaign))
    other = api.post(
        "/api/v1/receipts/check",
        {"code": "AAAA"},
        content_type="application/json",
        headers={**finance.headers, "Idempotency-Key": KEY},
    )
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"


def test_a_repeat_while_the_first_still_runs_is_409(api: Client, finance, campaign) -> None:
    first = post(api, finance, body(campaign))
    # Turn the stored response back into the placeholder a running request holds.
    IdempotencyRecord.objects.update(completed_at=None, status_code=None, encrypted_body="")
    response = post(api, finance, body(campaign))
    assert first.status_code == 201
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_in_progress"


def test_an_abandoned_placeholder_is_taken_over_after_ten_minutes(api: Client, finance, campaign) -> None:
    post(api, finance, body(campaign))
    IdempotencyRecord.objects.update(
        completed_at=None, encrypted_body="", created_at=timezone.now() - dt.timedelta(minutes=11)
    )
    assert post(api, finance, body(campaign)).status_code == 201


def test_keys_are_per_user(api: Client, finance, campaign) -> None:
    from tests.api.conftest import staff_token

    other = staff_token("finance", username="other-finance")
    post(api, finance, body(campaign))
    assert "Idempotent-Replayed" not in post(api, other, body(campaign))
    assert Donation.objects.count() == 2


def test_keys_expire_after_24_hours_and_are_purged(api: Client, finance, campaign) -> None:
    post(api, finance, body(campaign))
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    again = post(api, finance, body(campaign, amount="41.00"))
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    out = io.StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert "1 expired" in out.getvalue()
    assert not IdempotencyRecord.objects.exists()


def test_refusals_that_did_not_run_the_operation_are_not_stored(api: Client, editor, finance, campaign) -> None:
    assert post(api, editor, body(campaign)).status_code == 403
    assert post(api, finance, {"campaign": campaign.slug}).status_code == 422
    assert not IdempotencyRecord.objects.exists()
    assert post(api, finance, body(campaign)).status_code == 201


def test_a_stored_response_is_unreadable_without_the_key(api: Client, finance, campaign) -> None:
    receipt_code = post(api, finance, body(campaign)).json()["receipt_code"]
    record = IdempotencyRecord.objects.get()
    stored = " ".join(str(v) for v in record.__dict__.values())
    assert receipt_code not in stored and KEY not in stored
    assert record.key_hash == _key_hash(KEY) and record.scope == f"user:{finance.user.pk}"


def test_anonymous_receipt_checks_replay_without_tying_the_key_to_a_client(api: Client) -> None:
    headers = {"Idempotency-Key": KEY}
    first = api.post("/api/v1/receipts/check", {"code": "AAAA"}, content_type="application/json", headers=headers)
    again = Client(REMOTE_ADDR="198.51.100.9").post(
        "/api/v1/receipts/check", {"code": "AAAA"}, content_type="application/json", headers=headers
    )
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert IdempotencyRecord.objects.get().scope == "anonymous"


def test_a_too_short_key_is_422(api: Client, finance, campaign) -> None:
    response = post(api, finance, body(campaign), key="short")
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_idempotency_key"


def test_a_retried_upload_with_a_new_multipart_boundary_replays(api: Client, finance) -> None:
    data = camt([{"amount": "9.00", "text": "gift"}])
    headers = {**finance.headers, "Idempotency-Key": KEY}
    first = api.post("/api/v1/staff/statements", {"file": io.BytesIO(data)}, headers=headers)
    boundary = "another-boundary-7f3a"
    second = api.post(
        "/api/v1/staff/statements",
        encode_multipart(boundary, {"file": io.BytesIO(data)}),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )
    assert first.status_code == 201 and second["Idempotent-Replayed"] == "true"
    changed = api.post("/api/v1/staff/statements", {"file": io.BytesIO(data + b" ")}, headers=headers)
    assert changed.status_code == 422
