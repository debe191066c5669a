"""The contract every registered payment rail keeps, run against each one the registry lists:
Stripe Checkout (through the Stripe-compatible fake), bank transfer and staff-recorded.

A new rail (PayPal, crypto) is tested by this file as soon as it is registered; if it
receives webhooks it must add a genuine sample event to GENUINE_EVENTS below, and
`paid_donation` must learn how its money arrives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.models import Channel, Donation, DonationStatus
from solidarity.donations.outcomes import PaymentSucceeded, record_outcome
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import Transaction
from solidarity.payments.providers.base import (
    PaymentProvider,
    ProviderEventData,
    RefundNotSupported,
    StartedPayment,
    WebhookRejected,
)
from solidarity.payments.providers.registry import (
    UnknownProvider,
    get_provider,
    provider_for_channel,
    recurring_provider,
    registered_providers,
)
from tests.payments import stripe_events
from tests.public_forms import FormClient
from tests.stripe_fake.fixtures import serve_site_through

pytestmark = pytest.mark.django_db
PROVIDERS = registered_providers()


@pytest.fixture(params=PROVIDERS, ids=[p.name for p in PROVIDERS])
def provider(request: pytest.FixtureRequest) -> PaymentProvider:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def web() -> Client:
    cache.clear()
    return FormClient(HTTP_HOST="127.0.0.1")


@pytest.fixture
def fake(stripe_fake, settings, web):
    return serve_site_through(stripe_fake, settings, web, stripe_events.SECRET)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def _stripe_event() -> tuple[bytes, dict[str, str]]:
    body = stripe_events.event("payment_intent.succeeded", {"id": "pi_contract", "object": "payment_intent"})
    return body, {"Stripe-Signature": stripe_events.sign(body)}


# A genuine, correctly signed event for each rail that receives webhooks.
GENUINE_EVENTS: dict[str, Callable[[], tuple[bytes, dict[str, str]]]] = {"stripe": _stripe_event}


def pending_donation(provider: PaymentProvider, campaign: Any, staff_user: Any) -> Donation:
    """A donation of the rail's channel, before the rail has done anything with it."""
    channel = provider.channels[0]
    if channel in (Channel.CARD, Channel.BANK_TRANSFER):
        return create_donation_intent(campaign=campaign, amount=eur("25"), channel=channel).donation
    # Staff-recorded money is in hand before it is recorded: its donations start paid.
    return record_staff_donation(campaign=campaign, amount=eur("25"), channel=channel, actor=staff_user).donation


def paid_donation(provider: PaymentProvider, campaign: Any, staff_user: Any, web: Client, fake: Any) -> Donation:
    """A donation of the rail's channel whose money has arrived, the way it arrives on that rail."""
    channel = provider.channels[0]
    if channel == Channel.CARD:
        form = {"other_amount": "25", "currency": "EUR", "recurrence": "one_off", "channel": "card"}
        checkout = web.post(f"/en/campaigns/{campaign.slug}/donate/", form)["Location"]
        assert not fake.pay(urlsplit(checkout).path.rstrip("/").split("/")[-1]).error
        fake.deliver_pending()
        return Donation.objects.get()
    donation = pending_donation(provider, campaign, staff_user)
    if channel == Channel.BANK_TRANSFER:
        record_outcome(
            PaymentSucceeded(
                donation=donation, received=eur("25"), on=dt.date.today(), channel=channel, key="bank:contract"
            )
        )
        donation.refresh_from_db()
    return donation


def test_the_registry_finds_each_rail_by_name_and_by_each_of_its_channels(provider) -> None:
    assert provider.name and get_provider(provider.name) is provider
    assert provider.channels and set(provider.channels) <= set(Channel.values)
    for channel in provider.channels:
        assert provider_for_channel(channel) is provider


def test_capabilities_are_plain_flags(provider) -> None:
    for flag in (provider.supports_refund, provider.supports_recurring, provider.receives_webhooks):
        assert isinstance(flag, bool)


def test_starting_a_payment_moves_no_money(provider, fake, campaign, staff_user) -> None:
    donation = pending_donation(provider, campaign, staff_user)
    status, transactions = donation.status, Transaction.objects.count()
    started = provider.start_payment(donation=donation, language="en")
    assert isinstance(started, StartedPayment)
    assert not started.redirect_url or started.redirect_url.startswith(("https://", "http://"))
    assert Transaction.objects.count() == transactions
    donation.refresh_from_db()
    assert donation.status == status


def test_an_unsigned_or_wrongly_signed_event_is_rejected(provider, settings) -> None:
    settings.STRIPE_WEBHOOK_SECRETS = [stripe_events.SECRET]
    body, _ = _stripe_event()
    with pytest.raises(WebhookRejected):
        provider.parse_webhook(body=body, headers={})
    with pytest.raises(WebhookRejected):
        provider.parse_webhook(body=body, headers={"Stripe-Signature": stripe_events.sign(body, "whsec_not_ours")})
    with pytest.raises(WebhookRejected):
        provider.parse_webhook(body=b"not an event", headers={"Stripe-Signature": stripe_events.sign(b"x")})


def test_a_genuine_event_is_normalised_under_the_rails_name_or_refused_by_a_rail_without_webhooks(
    provider, settings
) -> None:
    settings.STRIPE_WEBHOOK_SECRETS = [stripe_events.SECRET]
    if not provider.receives_webhooks:
        body, headers = _stripe_event()  # genuine for another rail: still not an event of this one
        with pytest.raises(WebhookRejected):
            provider.parse_webhook(body=body, headers=headers)
        return
    body, headers = GENUINE_EVENTS[provider.name]()
    data = provider.parse_webhook(body=body, headers=headers)
    assert isinstance(data, ProviderEventData)
    assert data.provider == provider.name and data.event_id
    assert ProviderEventData.from_json(data.to_json()) == data  # it is stored as JSON and read back


def test_a_refund_is_asked_of_the_rail_and_booked_only_when_the_rail_reports_it(
    provider, fake, web, campaign, staff_user
) -> None:
    donation = paid_donation(provider, campaign, staff_user, web, fake)
    assert donation.status == DonationStatus.PAID
    transactions = Transaction.objects.count()
    if provider.supports_refund:
        assert provider.refund(donation=donation, amount=eur("5"))
    else:
        with pytest.raises(RefundNotSupported):
            provider.refund(donation=donation, amount=eur("5"))
    assert Transaction.objects.count() == transactions
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PAID


def test_only_a_rail_that_supports_recurring_is_asked_for_monthly_gifts(provider) -> None:
    if provider.supports_recurring:
        rail = recurring_provider(provider.channels[0])
        assert callable(rail.cancel_subscription) and callable(rail.change_subscription_amount)
    else:
        with pytest.raises(UnknownProvider):
            recurring_provider(provider.channels[0])
