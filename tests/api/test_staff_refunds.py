"""Refunds through the staff API, as two finance users would do them: asked for by one,
approved by another; the requester cannot approve; no fund goes below zero."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from solidarity.campaigns.funds import campaign_totals
from solidarity.campaigns.models import Campaign
from solidarity.core.money import Money
from solidarity.donations.models import Donation, DonationStatus, RefundRequest
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.verification import verify_ledger
from solidarity.staff.models import AuditEntry
from tests.api.conftest import staff_token
from tests.public_forms import FormClient
from tests.stripe_fake.fixtures import serve_site_through

pytestmark = pytest.mark.django_db
SECRET = "whsec_staff_refund_tests"


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def ask(api: Client, staff, donation_id: int, amount: str | None = None, reason: str = "the donor asked", **extra):
    body: dict = {"donation": donation_id, "reason": reason, **extra}
    if amount is not None:
        body["amount"] = {"amount": amount, "currency": "EUR"}
    return api.post("/api/v1/staff/refunds", body, content_type="application/json", headers=staff.headers)


def approve(api: Client, staff, request_id: int):
    return api.post(f"/api/v1/staff/refunds/{request_id}/approve", headers=staff.headers)


@pytest.fixture
def second(db):
    return staff_token("finance", username="finance-two")


@pytest.fixture
def gift(campaign, finance):
    return record_staff_donation(
        campaign=campaign, amount=eur("100"), channel="bank_transfer", actor=finance.user
    ).donation


def test_a_partial_refund_waits_for_another_finance_user_then_posts(api, finance, second, campaign, gift) -> None:
    asked = ask(api, finance, gift.pk, "40.00")
    assert asked.status_code == 201, asked.content
    body = asked.json()
    assert body["status"] == "awaiting" and body["amount"]["amount"] == "40.00"
    assert body["balance_after"]["amount"] == "60.00" and body["campaign"] == campaign.slug
    assert campaign_totals(campaign).collected == eur("100")  # nothing moved yet
    own = approve(api, finance, body["id"])
    assert own.status_code == 403 and "Four eyes" in own.json()["error"]["message"]
    assert campaign_totals(campaign).collected == eur("100")
    done = approve(api, second, body["id"])
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "approved" and done.json()["booked"] is True
    assert campaign_totals(campaign).collected == eur("60")
    assert AuditEntry.objects.filter(action="api.approve_refund", actor=second.user).exists()
    assert verify_ledger().ok


def test_a_second_approval_is_a_409_and_changes_nothing(api, finance, second, campaign, gift) -> None:
    request_id = ask(api, finance, gift.pk, "10.00").json()["id"]
    assert approve(api, second, request_id).status_code == 200
    again = approve(api, second, request_id)
    assert again.status_code == 409 and "already decided" in again.json()["error"]["message"]
    assert campaign_totals(campaign).collected == eur("90")


def test_more_than_is_left_of_the_donation_is_a_400(api, finance, gift) -> None:
    response = ask(api, finance, gift.pk, "100.01")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_amount"
    assert not RefundRequest.objects.exists()


def test_a_rejected_request_cannot_be_approved(api, finance, second, campaign, gift) -> None:
    request_id = ask(api, finance, gift.pk).json()["id"]
    rejected = api.post(
        f"/api/v1/staff/refunds/{request_id}/reject",
        {"note": "not the donor"},
        content_type="application/json",
        headers=second.headers,
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert approve(api, second, request_id).status_code == 409
    assert campaign_totals(campaign).collected == eur("100")


def test_an_editor_cannot_ask_for_a_refund(api, editor, gift) -> None:
    assert ask(api, editor, gift.pk).status_code == 403


# The demo site, as the "checked by" asks.


@pytest.fixture
def demo(capsys):
    call_command("load_demo")
    capsys.readouterr()
    return Campaign.objects.get(slug="sergei-sakovets")


def test_on_the_demo_site_a_partial_refund_moves_the_total_by_exactly_its_amount(api, finance, second, demo) -> None:
    before = campaign_totals(demo)
    assert before.balance == eur("25")
    donation = Donation.objects.filter(campaign=demo, amount_minor=10000).first()
    request_id = ask(api, finance, donation.pk, "15.00").json()["id"]
    assert campaign_totals(demo) == before
    assert approve(api, finance, request_id).status_code == 403
    assert campaign_totals(demo) == before
    assert approve(api, second, request_id).status_code == 200
    after = campaign_totals(demo)
    assert after.collected == before.collected - eur("15") and after.balance == before.balance - eur("15")
    assert verify_ledger().ok


def test_on_the_demo_site_a_refund_that_would_overdraw_the_seed_campaign_is_refused(api, finance, demo) -> None:
    donation = Donation.objects.filter(campaign=demo, amount_minor=10000).first()
    response = ask(api, finance, donation.pk, "40.00")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "insufficient_funds"
    assert "below zero: it holds 25.00 EUR" in error["message"]
    assert not RefundRequest.objects.exists()
    assert campaign_totals(demo).balance == eur("25")


# A card refund: the approval asks the card processor (the Stripe fake); the webhook books it.


@pytest.fixture
def browser() -> Client:
    cache.clear()
    return FormClient(HTTP_HOST="127.0.0.1")


@pytest.fixture
def fake(stripe_fake, settings, browser):
    return serve_site_through(stripe_fake, settings, browser, SECRET)


def _card_gift(browser: Client, fake, campaign, amount: str) -> Donation:
    form = {"other_amount": amount, "currency": "EUR", "recurrence": "one_off", "channel": "card"}
    started = browser.post(f"/en/campaigns/{campaign.slug}/donate/", form)
    assert started.status_code == 303
    outcome = fake.pay(urlsplit(started["Location"]).path.rstrip("/").split("/")[-1])
    assert not outcome.error, outcome.error
    fake.deliver_pending()
    return Donation.objects.get(channel="card")


def test_an_approved_card_refund_goes_through_the_processor_and_books_when_it_reports(
    api, browser, fake, finance, second, campaign
) -> None:
    donation = _card_gift(browser, fake, campaign, "50")
    assert campaign_totals(campaign).collected == eur("50")
    request_id = ask(api, finance, donation.pk, "20.00").json()["id"]
    done = approve(api, second, request_id)
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["provider_refund_id"].startswith("re_") and body["booked"] is False
    assert campaign_totals(campaign).collected == eur("50")  # booked when Stripe says so
    fake.deliver_pending()
    assert campaign_totals(campaign).collected == eur("30")
    assert RefundRequest.objects.get(pk=request_id).ledger_transaction is not None
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PAID
    assert verify_ledger().ok
