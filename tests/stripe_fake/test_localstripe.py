"""localstripe, driven through the official SDK: what it covers beyond our fake.

localstripe follows older API shapes in places (``invoice.subscription``,
plans instead of prices, an expanded ``latest_charge``); these tests pin the
calls that work with SDK 16 so a localstripe upgrade that breaks them shows up
here and not in an app test.
"""

from __future__ import annotations

from typing import Any

import pytest
import stripe
from stripe.params import PaymentMethodCreateParams

from tests.stripe_fake.localstripe_harness import LocalStripe
from tests.stripe_fake.receiver import WebhookReceiver

pytest_plugins = ["tests.stripe_fake.fixtures"]


def card_params() -> PaymentMethodCreateParams:
    """A raw test card: localstripe accepts card numbers over the API, as Stripe does only for some accounts."""
    return {"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}}


def _id(value: Any) -> str:
    """localstripe sometimes returns an expanded object where Stripe returns an id."""
    return value if isinstance(value, str) else str(value.id)


def test_payment_intent_confirm_and_refund(localstripe: LocalStripe) -> None:
    client = localstripe.client()
    card = client.v1.payment_methods.create(params=card_params())
    intent = client.v1.payment_intents.create(
        params={"amount": 1500, "currency": "eur", "payment_method": card.id, "metadata": {"donation_id": "9"}}
    )
    assert intent.status == "requires_confirmation"
    intent = client.v1.payment_intents.confirm(intent.id)
    assert intent.status == "succeeded"
    charge = client.v1.charges.retrieve(_id(intent.latest_charge))
    assert (charge.amount, charge.currency, charge.status) == (1500, "eur", "succeeded")
    assert charge.balance_transaction is not None
    refund = client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 500})
    assert (refund.status, refund.amount) == ("succeeded", 500)
    assert client.v1.charges.retrieve(charge.id).amount_refunded == 500
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.payment_intents.retrieve("pi_doesnotexist")


def test_subscription_with_plan(localstripe: LocalStripe, webhook_receiver: WebhookReceiver) -> None:
    localstripe.add_webhook(webhook_receiver.url, "whsec_localstripe", ["customer.subscription.created"])
    client = localstripe.client()
    card = client.v1.payment_methods.create(params=card_params())
    customer = client.v1.customers.create(
        params={
            "email": "donor@example.org",
            "payment_method": card.id,
            "invoice_settings": {"default_payment_method": card.id},
        }
    )
    product = client.v1.products.create(params={"name": "Monthly donation"})
    plan = client.v1.plans.create(
        params={"amount": 1000, "currency": "eur", "interval": "month", "product": product.id}
    )
    sub = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"plan": plan.id}], "metadata": {"pledge_id": "3"}}
    )
    assert sub.status == "active" and sub.metadata["pledge_id"] == "3"
    invoice = client.v1.invoices.retrieve(_id(sub.latest_invoice))
    assert (invoice.status, invoice.amount_paid, invoice.currency) == ("paid", 1000, "eur")

    received = webhook_receiver.wait_for(1, timeout=15)  # localstripe waits about 1 s before sending
    event = stripe.Webhook.construct_event(received[0].body, received[0].signature, "whsec_localstripe")
    assert event.type == "customer.subscription.created" and event.data.object["id"] == sub.id

    assert client.v1.subscriptions.cancel(sub.id).status == "canceled"


def test_reset_forgets_objects(localstripe: LocalStripe) -> None:
    client = localstripe.client()
    customer = client.v1.customers.create(params={"email": "gone@example.org"})
    localstripe.reset()
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.retrieve(customer.id)
