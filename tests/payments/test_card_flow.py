"""Card donations end to end through the official SDK against the Stripe-compatible fake:
the donate form, the hosted page, signed webhooks, the thank-you page, monthly gifts,
refunds and disputes."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from solidarity.campaigns.funds import campaign_totals
from solidarity.core.money import Money
from solidarity.donations.models import Donation, DonationStatus, Pledge
from solidarity.ledger.models import AccountPurpose
from solidarity.ledger.selectors import account_balance
from solidarity.ledger.services import get_account
from solidarity.ledger.verification import verify_ledger
from solidarity.payments.models import CardPayment, ProviderEvent
from solidarity.payments.providers.stripe import StripeProvider
from tests.public_forms import FormClient
from tests.stripe_fake import signature_header
from tests.stripe_fake.fixtures import serve_site_through

pytestmark = pytest.mark.django_db
SECRET = "whsec_card_flow_tests"


@pytest.fixture
def client() -> Client:
    cache.clear()
    return FormClient(HTTP_HOST="127.0.0.1")


@pytest.fixture
def fake(stripe_fake, settings, client):
    return serve_site_through(stripe_fake, settings, client, SECRET)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def start_card(client: Client, campaign, amount: str = "25", recurrence: str = "one_off", **extra: str) -> str:
    form = {"other_amount": amount, "currency": "EUR", "recurrence": recurrence, "channel": "card", **extra}
    response = client.post(f"/en/campaigns/{campaign.slug}/donate/", form)
    assert response.status_code == 303, response.content.decode()[:500]
    return response["Location"]


def pay(fake, checkout_url: str, **card: str) -> str:
    session_id = checkout_url.rstrip("/").split("/")[-1]
    outcome = fake.pay(session_id, **card)
    assert not outcome.error, outcome.error
    fake.deliver_pending()
    return urlsplit(outcome.redirect).path + "?" + urlsplit(outcome.redirect).query


def test_one_off_card_donation_end_to_end(client, fake, campaign) -> None:
    checkout = start_card(client, campaign, public_name="A friend")
    assert checkout.startswith(fake.url)
    thanks = pay(fake, checkout, name="Ivan Donorov", email="ivan@example.org")
    donation = Donation.objects.get()
    assert donation.status == DonationStatus.PAID
    assert campaign_totals(campaign).collected == eur("25")
    card = CardPayment.objects.get()
    assert card.fee_minor == (2500 * 15 + 500) // 1000 + 25
    assert account_balance(get_account(purpose=AccountPurpose.FEES, currency="EUR")).minor == card.fee_minor
    page = client.get(thanks)
    html = page.content.decode()
    assert "has arrived and is counted" in html
    code = re.search(r'id="receipt-code">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    assert "no-store" in page["Cache-Control"]
    assert "receipt-code" not in client.get(thanks).content.decode()  # shown once
    assert "Counted." in client.post("/en/receipts/", {"code": code}).content.decode()
    assert verify_ledger().ok


def test_what_stripe_is_told_names_no_campaign(client, fake, campaign) -> None:
    start_card(client, campaign)
    request = next(r for r in fake.requests if r.path == "/v1/checkout/sessions")
    sent = str(request.params)
    assert campaign.slug not in sent and campaign.title not in sent
    reference = CardPayment.objects.get().reference
    assert reference and request.idempotency_key == f"solidarity-checkout-{reference}"


def test_declined_card_records_nothing_and_feeds_the_breaker(client, fake, campaign) -> None:
    checkout = start_card(client, campaign)
    outcome = fake.pay(checkout.rstrip("/").split("/")[-1], card="4000000000000002")
    assert outcome.declined
    fake.deliver_pending()
    assert Donation.objects.get().status == DonationStatus.PENDING
    assert campaign_totals(campaign).collected == eur("0")
    assert ProviderEvent.objects.filter(type="payment_intent.payment_failed").exists()


def test_processor_unreachable_gives_a_clear_error(client, fake, campaign) -> None:
    fake.fail_next(5)
    response = client.post(
        f"/en/campaigns/{campaign.slug}/donate/",
        {"other_amount": "25", "currency": "EUR", "recurrence": "one_off", "channel": "card"},
    )
    assert response.status_code == 503
    assert "bank transfer" in response.content.decode()
    assert Donation.objects.get().status == DonationStatus.EXPIRED


def test_monthly_gift_renews_and_is_cancelled_through_the_secret_link(client, fake, campaign) -> None:
    thanks = pay(fake, start_card(client, campaign, amount="10", recurrence="monthly"))
    html = client.get(thanks).content.decode()
    manage = re.search(r'id="manage-link" href="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    pledge = Pledge.objects.get()
    assert pledge.status == "active" and pledge.provider_subscription_id
    assert campaign_totals(campaign).collected == eur("10")

    fake.renew(pledge.provider_subscription_id)
    fake.deliver_pending()
    assert campaign_totals(campaign).collected == eur("20")
    assert campaign_totals(campaign).donations == 2
    assert "Payments so far" in client.get(manage).content.decode()

    changed = client.post(manage, {"action": "change", "amount": "15"})
    assert changed.status_code == 200 and "changed" in changed.content.decode()
    fake.renew(pledge.provider_subscription_id)
    fake.deliver_pending()
    assert campaign_totals(campaign).collected == eur("35")

    assert client.post(manage, {"action": "cancel"}).status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == "cancelled"
    assert fake.get(pledge.provider_subscription_id)["status"] == "canceled"
    assert verify_ledger().ok


def test_refund_from_the_back_office_flows_back_through_the_webhook(client, fake, campaign) -> None:
    pay(fake, start_card(client, campaign, amount="40"))
    donation = Donation.objects.get()
    StripeProvider().refund(donation=donation, amount=eur("15"))
    StripeProvider().refund(donation=donation, amount=eur("15"))  # a retried click: the same refund, not a second
    fake.deliver_pending()
    assert campaign_totals(campaign).collected == eur("25")
    StripeProvider().refund(donation=donation)
    fake.deliver_pending()
    donation.refresh_from_db()
    assert donation.status == DonationStatus.REFUNDED
    assert campaign_totals(campaign).collected == eur("0")
    assert verify_ledger().ok


def test_dispute_lost_after_a_partial_refund(client, fake, campaign) -> None:
    pay(fake, start_card(client, campaign, amount="40"))
    card = CardPayment.objects.get()
    fake.refund(card.charge_id, amount=1000)
    fake.deliver_pending()
    dispute = fake.dispute(card.charge_id)
    fake.deliver_pending()
    assert campaign_totals(campaign).balance == eur("0")
    fake.close_dispute(dispute["id"], won=False)
    fake.deliver_pending()
    totals = campaign_totals(campaign)
    assert totals.collected == eur("0") and totals.balance == eur("0")
    assert verify_ledger().ok


def test_redelivered_events_change_nothing(client, fake, campaign) -> None:
    pay(fake, start_card(client, campaign))
    before = campaign_totals(campaign)
    events = list(fake.events)
    assert len(events) >= 3
    for event in reversed(events):  # every event again, newest first, freshly signed
        body = json.dumps(event)
        response = client.post(
            "/payments/stripe/webhook/",
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature_header(body, SECRET),
        )
        assert response.status_code == 200 and response.json()["duplicate"] is True
    assert campaign_totals(campaign) == before
    assert verify_ledger().ok


def _back_office(user) -> Client:
    """A staff client past the second factor (the back office demands one)."""
    office = Client(HTTP_HOST="127.0.0.1")
    office.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = office.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return office


def test_a_card_refund_in_the_back_office_is_asked_for_confirmed_approved_by_another_and_booked_by_the_webhook(
    client, fake, campaign, staff_user
) -> None:
    from solidarity.donations.models import RefundRequest
    from tests.factories import staff_with_role

    pay(fake, start_card(client, campaign, amount="40"))
    donation = Donation.objects.get()
    office = _back_office(staff_user)
    picked = {"action": "request_refunds", "_selected_action": [donation.pk]}
    confirm = office.post("/staff/donations/donation/", picked)
    assert confirm.status_code == 200 and "Request a refund" in confirm.content.decode()  # the confirmation page
    assert not RefundRequest.objects.exists()
    done = office.post("/staff/donations/donation/", {**picked, "confirm": "yes", "reason": "donor asked"}, follow=True)
    assert "awaits a second person" in done.content.decode()
    asked = RefundRequest.objects.get()
    page = office.get(f"/staff/donations/refundrequest/{asked.pk}/change/").content.decode()
    assert "Four eyes" in page and "donor asked" in page and "0.00" in page  # balance after
    office.post(f"/staff/donations/refundrequest/{asked.pk}/approve/")
    asked.refresh_from_db()
    assert asked.status == "awaiting"  # the requester cannot approve
    other = _back_office(staff_with_role("finance", "fin-b"))
    other.post(f"/staff/donations/refundrequest/{asked.pk}/approve/")
    asked.refresh_from_db()
    assert asked.status == "approved" and re.fullmatch(r"re_\w+", asked.provider_refund_id)
    assert campaign_totals(campaign).collected == eur("40")  # booked when Stripe says so
    fake.deliver_pending()
    donation.refresh_from_db()
    assert donation.status == DonationStatus.REFUNDED
    assert campaign_totals(campaign).collected == eur("0")
    assert verify_ledger().ok
