"""Staff operations through the API: the same services, the same ledger, an audit entry each."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from PIL import Image

from solidarity.campaigns.funds import campaign_totals
from solidarity.core.money import Money
from solidarity.disbursements.models import Disbursement
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.models import Donation
from solidarity.donations.receipts import hash_receipt_code
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.verification import verify_ledger
from solidarity.payments.models import BankLine
from solidarity.staff.models import AuditEntry
from tests.api.conftest import staff_token
from tests.payments.camt_builder import camt

pytestmark = pytest.mark.django_db


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def donation_body(campaign, amount: str = "40.00", **extra) -> dict:
    return {"campaign": campaign.slug, "amount": {"amount": amount, "currency": "EUR"}, "channel": "cash", **extra}


def test_recording_a_donation_posts_it_and_returns_the_receipt_code_once(api: Client, finance, campaign) -> None:
    response = api.post(
        "/api/v1/staff/donations", donation_body(campaign), content_type="application/json", headers=finance.headers
    )
    assert response.status_code == 201
    body = response.json()
    assert body["amount"] == {"amount": "40.00", "currency": "EUR", "minor": 4000}
    donation = Donation.objects.get(pk=body["id"])
    assert donation.receipt_code_hash == hash_receipt_code(body["receipt_code"])
    assert campaign_totals(campaign).collected == eur("40")
    audit = AuditEntry.objects.get(action="api.record_staff_donation")
    assert audit.actor == finance.user and audit.target_id == str(donation.pk)
    assert AuditEntry.objects.filter(action="donation.record").count() == 1


def test_a_domain_error_is_a_400_with_the_services_code(api: Client, finance, campaign) -> None:
    body = donation_body(campaign) | {"amount": {"amount": "40.00", "currency": "USD"}}
    response = api.post("/api/v1/staff/donations", body, content_type="application/json", headers=finance.headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "currency_mismatch"
    assert not AuditEntry.objects.filter(action="api.record_staff_donation").exists()  # rolled back with it


def test_an_amount_as_a_json_number_is_refused(api: Client, finance, campaign) -> None:
    body = donation_body(campaign) | {"amount": {"amount": 40.5, "currency": "EUR"}}
    response = api.post("/api/v1/staff/donations", body, content_type="application/json", headers=finance.headers)
    assert response.status_code == 422


def test_a_statement_upload_imports_and_its_result_can_be_read(api: Client, finance, campaign) -> None:
    pending = create_donation_intent(campaign=campaign, amount=eur("25"), channel="bank_transfer").donation
    data = camt([{"amount": "25.00", "text": pending.bank_reference}, {"amount": "12.00", "text": "gift"}])
    upload = io.BytesIO(data)
    upload.name = "statement.xml"
    response = api.post("/api/v1/staff/statements", {"file": upload}, headers=finance.headers)
    assert response.status_code == 201, response.content
    result = response.json()
    assert (result["lines_total"], result["lines_matched"], result["lines_unmatched"], result["waiting"]) == (
        2,
        1,
        1,
        1,
    )
    again = api.get(f"/api/v1/staff/statements/{result['id']}", headers=finance.headers)
    assert again.status_code == 200 and again.json()["lines_matched"] == 1
    assert AuditEntry.objects.filter(action="api.get_statement").count() == 1


def test_a_malformed_statement_is_a_400_and_records_nothing(api: Client, finance) -> None:
    upload = io.BytesIO(b"<Document><broken")
    upload.name = "broken.xml"
    response = api.post("/api/v1/staff/statements", {"file": upload}, headers=finance.headers)
    assert response.status_code == 400
    assert not BankLine.objects.exists()


def test_review_queue_lines_are_matched_recorded_or_ignored(api: Client, finance, campaign) -> None:
    pending = create_donation_intent(campaign=campaign, amount=eur("30"), channel="bank_transfer").donation
    lines = [{"amount": "30.00", "text": "no ref 1"}, {"amount": "30.00", "text": "no ref 2"}, {"amount": "7.00"}]
    api.post("/api/v1/staff/statements", {"file": io.BytesIO(camt(lines))}, headers=finance.headers)
    queue = api.get("/api/v1/staff/bank-lines?limit=2", headers=finance.headers).json()
    assert len(queue["items"]) == 2 and queue["next_cursor"]
    rest = api.get(f"/api/v1/staff/bank-lines?cursor={queue['next_cursor']}", headers=finance.headers).json()
    first, second, third = [line["id"] for line in queue["items"] + rest["items"]]
    base = "/api/v1/staff/bank-lines"

    matched = api.post(
        f"{base}/{first}/match",
        {"reference": pending.bank_reference},
        content_type="application/json",
        headers=finance.headers,
    )
    assert matched.status_code == 200 and matched.json()["state"] == "matched"
    recorded = api.post(
        f"{base}/{second}/record", {"campaign": campaign.slug}, content_type="application/json", headers=finance.headers
    )
    assert recorded.status_code == 200 and recorded.json()["payer_name"] == ""
    ignored = api.post(
        f"{base}/{third}/ignore", {"note": "grant"}, content_type="application/json", headers=finance.headers
    )
    assert ignored.status_code == 200 and ignored.json()["state"] == "ignored"
    again = api.post(
        f"{base}/{third}/ignore", {"note": "grant"}, content_type="application/json", headers=finance.headers
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_transition"
    assert campaign_totals(campaign).collected == eur("60")
    assert api.get(base, headers=finance.headers).json()["items"] == []
    assert verify_ledger().ok


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def test_a_payout_with_a_proof_posts_and_a_large_one_waits_for_another_person(api: Client, finance, campaign) -> None:
    record_staff_donation(campaign=campaign, amount=eur("1000"), channel="cash", actor=finance.user)
    need = campaign.needs.first()
    form = {
        "need": need.pk,
        "payee_category": "lawyer",
        "amount": "100.00",
        "currency": "EUR",
        "paid_on": "2026-11-20",
        "public_description": "Lawyer's fee",
    }
    proof = io.BytesIO(png())
    proof.name = "receipt.png"
    small = api.post("/api/v1/staff/disbursements", {**form, "proofs": [proof]}, headers=finance.headers)
    assert small.status_code == 201, small.content
    assert small.json()["status"] == "posted" and small.json()["proofs"] == 1

    large = api.post("/api/v1/staff/disbursements", {**form, "amount": "500.00"}, headers=finance.headers)
    assert large.status_code == 201 and large.json()["status"] == "awaiting"
    url = f"/api/v1/staff/disbursements/{large.json()['id']}/approve"
    own = api.post(url, headers=finance.headers)
    assert own.status_code == 403  # four eyes: not the person who recorded it
    approver = staff_token("admin", username="approver")
    approved = api.post(url, headers=approver.headers)
    assert approved.status_code == 200 and approved.json()["status"] == "posted"
    assert Disbursement.objects.get(pk=large.json()["id"]).approved_by == approver.user
    assert campaign_totals(campaign).spent == eur("600")
    assert AuditEntry.objects.filter(action="api.approve_disbursement", actor=approver.user).count() == 1


def test_a_payout_beyond_the_balance_is_a_409_and_a_void_takes_two_people(api: Client, finance, campaign) -> None:
    record_staff_donation(campaign=campaign, amount=eur("1000"), channel="cash", actor=finance.user)
    form = {
        "need": campaign.needs.first().pk,
        "payee_category": "lawyer",
        "amount": "1000.01",
        "currency": "EUR",
        "paid_on": "2026-11-20",
        "public_description": "Lawyer's fee",
    }
    too_much = api.post("/api/v1/staff/disbursements", form, headers=finance.headers)
    assert too_much.status_code == 409 and too_much.json()["error"]["code"] == "insufficient_funds"
    pending = api.post("/api/v1/staff/disbursements", {**form, "amount": "500.00"}, headers=finance.headers).json()
    base = f"/api/v1/staff/disbursements/{pending['id']}/void"
    asked = api.post(base, {"reason": "wrong family"}, content_type="application/json", headers=finance.headers)
    assert asked.status_code == 200 and asked.json()["status"] == "awaiting"
    assert api.post(f"{base}/approve", headers=finance.headers).status_code == 403
    other = staff_token("finance", username="finance-two")
    voided = api.post(f"{base}/approve", headers=other.headers)
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    assert api.post(f"{base}/approve", headers=other.headers).status_code == 409
    assert campaign_totals(campaign).balance == eur("1000")
