"""The Stripe webhook: verified over the raw body, stored once, any order converges."""

from __future__ import annotations

import json
import random
import time
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client

from solidarity.campaigns.funds import campaign_totals
from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.models import DonationStatus
from solidarity.ledger.models import Posting, Transaction
from solidarity.ledger.verification import verify_ledger
from solidarity.payments.models import CardPayment, ProviderEvent
from tests.payments import stripe_events as ev

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def stripe_settings(settings) -> None:
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_WEBHOOK_SECRETS = [ev.SECRET]
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: fee look-ups fail fast and are skipped


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


@pytest.fixture
def donation(campaign):
    intent = create_donation_intent(campaign=campaign, amount=Money(Decimal("25"), "EUR"), channel="card")
    CardPayment.objects.create(donation=intent.donation, checkout_session_id=f"cs_test_{intent.donation.pk}")
    return intent.donation


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def test_unsigned_post_is_refused_and_records_nothing(client, donation) -> None:
    payload = ev.event("checkout.session.completed", ev.session_completed(donation.pk, 2500))
    response = client.post("/payments/stripe/webhook/", data=payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "webhook_rejected"
    assert not ProviderEvent.objects.exists() and not Transaction.objects.exists()


@pytest.mark.parametrize(
    "signature",
    [
        "t=1,v1=deadbeef",
        "garbage",
        "",
    ],
)
def test_forged_signatures_are_refused(client, donation, signature: str) -> None:
    payload = ev.event("checkout.session.completed", ev.session_completed(donation.pk, 2500))
    assert ev.deliver(client, payload, signature=signature or "t=,v1=").status_code == 400
    assert not Transaction.objects.exists()


def test_signature_with_another_secret_is_refused(client, donation) -> None:
    payload = ev.event("checkout.session.completed", ev.session_completed(donation.pk, 2500))
    assert ev.deliver(client, payload, signature=ev.sign(payload, secret="whsec_other")).status_code == 400


def test_stale_signature_is_refused(client, donation) -> None:
    payload = ev.event("checkout.session.completed", ev.session_completed(donation.pk, 2500))
    old = ev.sign(payload, timestamp=int(time.time()) - 3600)
    assert ev.deliver(client, payload, signature=old).status_code == 400
    assert not Transaction.objects.exists()


def test_reserialised_body_fails_the_signature(client, donation) -> None:
    payload = ev.event("checkout.session.completed", ev.session_completed(donation.pk, 2500))
    signature = ev.sign(payload)
    reserialised = json.dumps(json.loads(payload), indent=2).encode()
    assert ev.deliver(client, reserialised, signature=signature).status_code == 400


def test_rotated_secrets_both_verify(client, donation, settings) -> None:
    settings.STRIPE_WEBHOOK_SECRETS = ["whsec_new", ev.SECRET]
    payload = ev.event("checkout.session.completed", ev.session_completed(donation.pk, 2500))
    assert ev.deliver(client, payload).status_code == 200


def test_live_event_on_a_test_site_is_refused(client, donation) -> None:
    payload = ev.event("checkout.session.completed", ev.session_completed(donation.pk, 2500), livemode=True)
    assert ev.deliver(client, payload).status_code == 400
    assert not Transaction.objects.exists()


def test_unknown_event_type_is_refused(client) -> None:
    payload = ev.event("issuing_card.created", {"id": "ic_1", "object": "issuing.card"})
    response = ev.deliver(client, payload)
    assert response.status_code == 400
    assert "Unsupported event type" in response.json()["message"]
    assert not ProviderEvent.objects.exists()


def test_malformed_body_is_refused(client) -> None:
    payload = b"{not json"
    assert ev.deliver(client, payload).status_code == 400


def test_payment_is_booked_once_whichever_events_arrive(client, donation, campaign) -> None:
    completed = ev.event("checkout.session.completed", ev.session_completed(donation.pk, 2500))
    succeeded = ev.event("payment_intent.succeeded", ev.payment_intent_succeeded(donation.pk, 2500))
    for payload in (succeeded, completed, succeeded, completed):
        assert ev.deliver(client, payload).status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PAID
    assert campaign_totals(campaign).collected == eur("25")
    assert Transaction.objects.count() == 1
    assert ProviderEvent.objects.count() == 2


def test_cardholder_details_in_events_are_not_stored(client, donation) -> None:
    ev.deliver(client, ev.event("checkout.session.completed", ev.session_completed(donation.pk, 2500)))
    ev.deliver(client, ev.event("charge.refunded", ev.charge_refunded(2500, 500)))
    for row in ProviderEvent.objects.all():
        assert "Ivan" not in json.dumps(row.data) and "example.org" not in json.dumps(row.data)


def test_refund_arriving_before_the_payment_waits_then_applies(client, donation, campaign) -> None:
    refund = ev.event("charge.refunded", ev.charge_refunded(2500, 1000))
    assert ev.deliver(client, refund).json()["state"] == "waiting"
    ev.deliver(client, ev.event("payment_intent.succeeded", ev.payment_intent_succeeded(donation.pk, 2500)))
    assert campaign_totals(campaign).collected == eur("15")
    assert ProviderEvent.objects.get(type="charge.refunded").state == "applied"
    assert verify_ledger().ok


def test_any_order_of_payment_refunds_and_dispute_gives_the_same_ledger(campaign) -> None:
    def run(order_seed: int) -> tuple:
        intent = create_donation_intent(campaign=campaign, amount=eur("25"), channel="card")
        d = intent.donation
        pi, ch, dp = f"pi_{order_seed}", f"ch_{order_seed}", f"dp_{order_seed}"
        payloads = [
            ev.event("checkout.session.completed", ev.session_completed(d.pk, 2500, pi=pi)),
            ev.event("payment_intent.succeeded", ev.payment_intent_succeeded(d.pk, 2500, pi=pi, charge=ch)),
            ev.event("charge.refunded", ev.charge_refunded(2500, 500, pi=pi, charge=ch)),
            ev.event("charge.refunded", ev.charge_refunded(2500, 1000, pi=pi, charge=ch)),
            ev.event("charge.dispute.created", ev.dispute("needs_response", 1500, dispute_id=dp, charge=ch, pi=pi)),
            ev.event("charge.dispute.closed", ev.dispute("lost", 1500, dispute_id=dp, charge=ch, pi=pi)),
        ]
        payloads += payloads[:3]  # duplicates
        random.Random(order_seed).shuffle(payloads)
        client = Client(HTTP_HOST="127.0.0.1")
        for payload in payloads:
            assert ev.deliver(client, payload).status_code == 200
        d.refresh_from_db()
        # The same money on the same accounts, however many partial-refund rows it took.
        per_account = (
            Posting.objects.filter(transaction__ref=f"donation:{d.pk}")
            .values("account__purpose", "currency", "transaction__kind")
            .annotate(total=Sum("amount_minor"))
            .order_by()
        )
        return d.status, frozenset((r["account__purpose"], r["transaction__kind"], r["total"]) for r in per_account)

    results = {run(seed) for seed in range(8)}
    assert len(results) == 1
    status, balances = results.pop()
    assert status == "refunded"
    assert ("campaign_fund", "refund", 1000) in balances and ("campaign_fund", "chargeback", 1500) in balances
    assert campaign_totals(campaign).collected == eur("0")
    assert verify_ledger().ok
