"""Our Stripe provider's outbound calls against localstripe, a stateful Stripe-compatible server."""

from __future__ import annotations

from decimal import Decimal

import pytest

from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.payments.models import CardPayment
from solidarity.payments.providers.stripe import StripeProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_intent(localstripe, settings):
    settings.STRIPE_SECRET_KEY = localstripe.api_key
    settings.STRIPE_API_BASE = localstripe.url
    client = localstripe.client()
    card = client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    )
    intent = client.v1.payment_intents.create(params={"amount": 4000, "currency": "eur", "payment_method": card.id})
    return client.v1.payment_intents.confirm(intent.id)


def test_fee_lookup_finds_the_charge_and_its_balance_transaction(paid_intent) -> None:
    charge_id, fee = StripeProvider().fetch_fee(payment_intent_id=paid_intent.id)
    assert charge_id.startswith("ch_")
    assert fee is None or fee >= 0


def test_partial_then_full_refund_reach_the_processor(paid_intent, campaign, localstripe) -> None:
    donation = create_donation_intent(campaign=campaign, amount=Money(Decimal(40), "EUR"), channel="card").donation
    card = CardPayment.objects.create(donation=donation, payment_intent_id=paid_intent.id)
    provider = StripeProvider()
    assert provider.refund(donation=donation, amount=Money(Decimal(15), "EUR")).startswith("re_")
    charge_id = (
        paid_intent.latest_charge if isinstance(paid_intent.latest_charge, str) else paid_intent.latest_charge.id
    )
    client = localstripe.client()
    assert client.v1.charges.retrieve(charge_id).amount_refunded == 1500
    card.refunded_minor = 1500  # as the charge.refunded webhook would record
    card.save()
    provider.refund(donation=donation)
    assert client.v1.charges.retrieve(charge_id).amount_refunded == 4000
