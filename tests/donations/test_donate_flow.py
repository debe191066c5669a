"""The public donate form, bank transfer instructions, receipts and channel switches."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from solidarity.campaigns.services import close_campaign
from solidarity.core.money import Money
from solidarity.donations.models import Donation, DonationStatus
from solidarity.donations.references import is_valid_creditor_reference
from solidarity.donations.settlement import settle_donation
from solidarity.ledger.models import AccountPurpose
from solidarity.payments import card_testing
from solidarity.payments.channels import set_channel
from tests.public_forms import FormClient, form_token_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    cache.clear()
    return FormClient(HTTP_HOST="127.0.0.1")


def bank_form(**overrides: str) -> dict[str, str]:
    data = {
        "preset": "",
        "other_amount": "25",
        "currency": "EUR",
        "recurrence": "one_off",
        "channel": "bank_transfer",
        "public_name": "",
        "message": "",
    }
    data.update(overrides)
    return data


def test_donate_form_renders_with_presets_and_who_sees_what(client, campaign) -> None:
    response = client.get(f"/en/campaigns/{campaign.slug}/donate/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "The card processor (Stripe) sees" in html and "Your bank and ours see the transfer" in html
    assert 'name="website"' in html  # honeypot
    assert '<label for="id_other_amount">' in html


def test_bank_transfer_shows_reference_qr_and_receipt_code_once(client, campaign) -> None:
    response = client.post(f"/en/campaigns/{campaign.slug}/donate/", bank_form())
    html = response.content.decode()
    assert response.status_code == 200
    reference = re.search(r'id="bank-reference">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    assert is_valid_creditor_reference(reference)
    assert "<svg" in html and "EPC QR code" in html
    code = re.search(r'id="receipt-code">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    donation = Donation.objects.get()
    assert donation.status == DonationStatus.PENDING
    assert donation.bank_reference == reference.replace(" ", "")
    assert code.replace("-", "") not in str(Donation.objects.values().get())
    assert not donation.sealed_secret  # shown right away, nothing kept


def test_non_euro_bank_transfer_has_no_epc_qr(client, staff_user) -> None:
    from tests.factories import active_campaign

    pln = active_campaign(currency="PLN")
    html = client.post(f"/en/campaigns/{pln.slug}/donate/", bank_form(currency="PLN")).content.decode()
    assert "bank-reference" in html and "<svg" not in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"other_amount": "0"}, "The amount must be more than zero"),
        ({"other_amount": "1"}, "The smallest donation is €2"),
        ({"other_amount": "-5"}, "The amount must be more than zero"),
        ({"other_amount": "ten"}, "Enter the amount as a number"),
        ({"other_amount": "1000000"}, "cannot exceed"),
        ({"other_amount": "", "preset": ""}, "Choose or enter an amount"),
        ({"currency": "XYZ"}, "Select a valid choice"),
        ({"website": "http://spam.example"}, "could not be sent"),
    ],
)
def test_bad_input_gets_a_clear_error_and_records_nothing(client, campaign, overrides, message: str) -> None:
    response = client.post(f"/en/campaigns/{campaign.slug}/donate/", bank_form(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Donation.objects.exists()


def test_closed_campaign_shows_no_form_and_says_where_to_give(client, campaign) -> None:
    opened = client.get(f"/en/campaigns/{campaign.slug}/donate/").content.decode()  # open before it closed
    close_campaign(campaign=campaign)
    html = client.get(f"/en/campaigns/{campaign.slug}/donate/").content.decode()
    assert "<form" not in html.split("<main")[1]
    assert "open collections" in html
    form = {**bank_form(), "form_token": form_token_from(opened)}
    assert client.post(f"/en/campaigns/{campaign.slug}/donate/", form).status_code == 410
    assert not Donation.objects.exists()


def test_switched_off_channel_shows_notice_and_refuses(client, campaign, staff_user) -> None:
    set_channel(
        channel="card",
        enabled=False,
        notice="Card payments are paused after our processor closed the account.",
        actor=staff_user,
    )
    cache.clear()
    html = client.get(f"/en/campaigns/{campaign.slug}/donate/").content.decode()
    assert "Card payments are paused" in html
    response = client.post(f"/en/campaigns/{campaign.slug}/donate/", bank_form(channel="card"))
    assert response.status_code == 400 and "switched off" in response.content.decode()
    assert client.post(f"/en/campaigns/{campaign.slug}/donate/", bank_form()).status_code == 200  # bank still works


def test_receipt_check_tells_counted_campaign_amount_and_day_only(client, campaign) -> None:
    html = client.post(f"/en/campaigns/{campaign.slug}/donate/", bank_form(public_name="Secret Donor")).content.decode()
    code = re.search(r'id="receipt-code">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    pending = client.post("/en/receipts/", {"code": code.lower()}).content.decode()
    assert "Not arrived yet." in pending
    donation = Donation.objects.get()
    settle_donation(
        donation=donation,
        received=Money(Decimal(25), "EUR"),
        settled_on=donation.created_at.date(),
        asset=AccountPurpose.BANK,
        key="b1",
    )
    result = client.post("/en/receipts/", {"code": code.replace("-", " ")})
    text = result.content.decode()
    assert "Counted." in text and campaign.title in text and "€25" in text
    assert "Secret Donor" not in text
    assert "no-store" in result["Cache-Control"]


def test_unknown_receipt_code_says_so(client, campaign) -> None:
    assert "No donation has this code" in client.post("/en/receipts/", {"code": "AAAA-BBBB"}).content.decode()


def test_per_client_limit_on_card_checkouts(client, campaign, settings) -> None:
    for _ in range(card_testing.PER_CLIENT_LIMIT):
        assert card_testing.allow_checkout(client.get("/").wsgi_request).allowed
    decision = card_testing.allow_checkout(client.get("/").wsgi_request)
    assert not decision.allowed and decision.reason == "per_client" and decision.retry_after > 0


def test_client_key_is_a_short_lived_pseudonym_not_the_address(rf) -> None:
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    key = card_testing.client_key(request)
    assert "203.0.113.7" not in key and len(key) == 32
    assert key == card_testing.client_key(rf.get("/", REMOTE_ADDR="203.0.113.7"))
    assert key != card_testing.client_key(rf.get("/", REMOTE_ADDR="203.0.113.8"))


def test_circuit_breaker_trips_on_a_high_failure_ratio(rf) -> None:
    cache.clear()
    for _ in range(card_testing.BREAKER_MIN_ATTEMPTS):
        card_testing.record_card_outcome(succeeded=False)
    assert card_testing.breaker_tripped()
    allowed = [card_testing.allow_checkout(rf.get("/", REMOTE_ADDR=f"198.51.100.{i}")).allowed for i in range(10)]
    assert allowed.count(True) == card_testing.TRIPPED_SESSIONS_PER_MINUTE
    cache.clear()
