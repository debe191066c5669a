"""The fake, exercised only through the official SDK, plain HTTP and signed webhooks.

These tests pin the contract the app is written against: object fields, event
types and order, signatures, error shapes.  If one fails after an SDK upgrade,
check the new API version's shapes before "fixing" the fake.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urljoin

import pytest
import requests
import stripe
from stripe.params.checkout import SessionCreateParams

from solidarity.demo.stripe_fake.objects import stripe_fee
from tests.stripe_fake import StripeFake, WebhookEndpoint
from tests.stripe_fake.receiver import WebhookReceiver

if TYPE_CHECKING:
    from tests.stripe_fake.fixtures import FakeStripeSDK

# Registers the fixtures for this module (the lead's top-level conftest may import them too).
pytest_plugins = ["tests.stripe_fake.fixtures"]

SUCCESS = "https://solidarity.example/donate/thanks/?session={CHECKOUT_SESSION_ID}"
CANCEL = "https://solidarity.example/donate/"
PAYMENT_EVENTS = ["checkout.session.completed", "payment_intent.succeeded", "charge.succeeded"]
SUBSCRIPTION_EVENTS = [
    "checkout.session.completed",
    "invoice.paid",
    "customer.subscription.created",
    "invoice.payment_succeeded",
    "invoice_payment.paid",
    "payment_intent.succeeded",
    "charge.succeeded",
]


def payment_params(amount: int = 2500, currency: str = "EUR") -> SessionCreateParams:
    return {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {"currency": currency, "unit_amount": amount, "product_data": {"name": "Donation"}},
                "quantity": 1,
            }
        ],
        "success_url": SUCCESS,
        "cancel_url": CANCEL,
        "client_reference_id": "donation-41",
        "metadata": {"donation_id": "41", "campaign": "free-them"},
        "payment_intent_data": {"metadata": {"donation_id": "41"}},
        "submit_type": "donate",
    }


def subscription_params(amount: int = 1000) -> SessionCreateParams:
    return {
        "mode": "subscription",
        "line_items": [
            {
                "price_data": {
                    "currency": "eur",
                    "unit_amount": amount,
                    "product_data": {"name": "Monthly donation"},
                    "recurring": {"interval": "month"},
                },
                "quantity": 1,
            }
        ],
        "success_url": SUCCESS,
        "cancel_url": CANCEL,
        "client_reference_id": "pledge-7",
        "metadata": {"pledge_id": "7"},
        "subscription_data": {"metadata": {"pledge_id": "7"}},
    }


def pay_on_page(url: str, card: str = "4242 4242 4242 4242", name: str = "Olena Petrenko") -> requests.Response:
    """What a browser does: load the page, submit its form, do not follow the redirect."""
    page = requests.get(url, timeout=5)
    assert page.status_code == 200
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert action is not None
    form = {"email": "olena@example.org", "cardNumber": card, "cardExpiry": "12 / 34", "cardCvc": "123"}
    form["billingName"] = name
    return requests.post(urljoin(url, action[1]), data=form, allow_redirects=False, timeout=5)


def verified(receiver: WebhookReceiver, endpoint: WebhookEndpoint, count: int) -> list[stripe.Event]:
    """Wait for ``count`` webhooks and check each with the SDK, as the app's view will."""
    return [stripe.Webhook.construct_event(r.body, r.signature, endpoint.secret) for r in receiver.wait_for(count, 10)]


def obj(event: stripe.Event) -> Any:
    return event.data.object


@pytest.fixture
def endpoint(stripe_fake: StripeFake, webhook_receiver: WebhookReceiver) -> WebhookEndpoint:
    return stripe_fake.add_webhook_endpoint(webhook_receiver.url)


def test_payment_session_paid_on_hosted_page(
    stripe_fake: StripeFake,
    stripe_client: stripe.StripeClient,
    webhook_receiver: WebhookReceiver,
    endpoint: WebhookEndpoint,
) -> None:
    session = stripe_client.v1.checkout.sessions.create(params=payment_params())
    assert session.id.startswith("cs_test_") and session.object == "checkout.session"
    assert (session.status, session.payment_status, session.livemode) == ("open", "unpaid", False)
    assert (session.amount_total, session.currency, session.payment_intent) == (2500, "eur", None)
    assert session.url is not None and session.url.startswith(stripe_fake.url + "/pay/")

    response = pay_on_page(session.url)
    assert response.status_code == 303
    assert response.headers["Location"] == SUCCESS.replace("{CHECKOUT_SESSION_ID}", session.id)

    events = verified(webhook_receiver, endpoint, 3)
    assert [e.type for e in events] == PAYMENT_EVENTS
    assert all(e.livemode is False and e.api_version == stripe.api_version for e in events)
    completed = obj(events[0])
    assert completed["id"] == session.id and completed["status"] == "complete"
    assert completed["payment_status"] == "paid" and completed["client_reference_id"] == "donation-41"
    assert completed["metadata"]["campaign"] == "free-them"
    assert completed["customer_details"]["email"] == "olena@example.org"
    assert obj(events[1])["metadata"]["donation_id"] == "41"
    charge = obj(events[2])
    assert charge["billing_details"]["name"] == "Olena Petrenko"
    assert charge["billing_details"]["email"] == "olena@example.org"
    assert charge["payment_intent"] == completed["payment_intent"] == obj(events[1])["id"]

    intent = stripe_client.v1.payment_intents.retrieve(
        completed["payment_intent"], params={"expand": ["latest_charge.balance_transaction"]}
    )
    assert intent.status == "succeeded" and intent.amount_received == 2500
    expanded: Any = intent.latest_charge
    txn = expanded.balance_transaction
    assert (txn.amount, txn.fee, txn.net, txn.currency) == (2500, 63, 2437, "eur")
    assert txn.fee == stripe_fee(2500) == 2500 * 15 // 1000 + 25 + 1  # 37.5 rounds half up to 38
    assert stripe_client.v1.balance_transactions.retrieve(charge["balance_transaction"]).id == txn.id
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "complete"
    assert [d.status for d in stripe_fake.deliveries] == [200, 200, 200]


def test_subscription_session_and_renewal(
    stripe_fake: StripeFake,
    stripe_client: stripe.StripeClient,
    webhook_receiver: WebhookReceiver,
    endpoint: WebhookEndpoint,
) -> None:
    session = stripe_client.v1.checkout.sessions.create(params=subscription_params())
    assert session.mode == "subscription" and session.amount_total == 1000
    assert pay_on_page(str(session.url)).status_code == 303

    events = verified(webhook_receiver, endpoint, len(SUBSCRIPTION_EVENTS))
    assert [e.type for e in events] == SUBSCRIPTION_EVENTS
    completed, invoice, created = obj(events[0]), obj(events[1]), obj(events[2])
    assert completed["subscription"] == created["id"] and completed["invoice"] == invoice["id"]
    assert completed["payment_intent"] is None and completed["customer"] == created["customer"]
    assert (invoice["amount_paid"], invoice["currency"], invoice["billing_reason"]) == (
        1000,
        "eur",
        "subscription_create",
    )
    details = invoice["parent"]["subscription_details"]
    assert details["subscription"] == created["id"] and details["metadata"]["pledge_id"] == "7"
    assert created["metadata"]["pledge_id"] == "7" and created["status"] == "active"
    invoice_payment = obj(events[4])
    charge = obj(events[6])
    assert invoice_payment["invoice"] == invoice["id"]
    assert invoice_payment["payment"]["payment_intent"] == charge["payment_intent"]

    # The current API has no invoice.charge; the app finds the charge via InvoicePayments.
    payments = stripe_client.v1.invoice_payments.list(params={"invoice": invoice["id"]})
    intent = stripe_client.v1.payment_intents.retrieve(str(payments.data[0].payment.payment_intent))
    assert intent.latest_charge == charge["id"]
    assert "charge" not in stripe_client.v1.invoices.retrieve(invoice["id"])
    # ... or in one call, expanding the includable ``payments`` down to the fee.
    full = stripe_client.v1.invoices.retrieve(
        invoice["id"], params={"expand": ["payments.data.payment.payment_intent.latest_charge.balance_transaction"]}
    ).to_dict()
    paid_charge = full["payments"]["data"][0]["payment"]["payment_intent"]["latest_charge"]
    assert paid_charge["id"] == charge["id"] and paid_charge["balance_transaction"]["fee"] == stripe_fee(1000)

    sub = stripe_client.v1.subscriptions.retrieve(created["id"])
    item = sub["items"].data[0]
    first_end = item.current_period_end
    assert item.price.unit_amount == 1000 and item.price.recurring is not None

    renewed = stripe_fake.renew(sub.id)
    assert renewed is not None
    events = verified(webhook_receiver, endpoint, len(SUBSCRIPTION_EVENTS) + 5)[len(SUBSCRIPTION_EVENTS) :]
    assert [e.type for e in events] == [
        "invoice.paid",
        "invoice.payment_succeeded",
        "invoice_payment.paid",
        "payment_intent.succeeded",
        "charge.succeeded",
    ]
    cycle = obj(events[0])
    assert cycle["billing_reason"] == "subscription_cycle" and cycle["amount_paid"] == 1000
    assert cycle["parent"]["subscription_details"]["metadata"]["pledge_id"] == "7"
    assert cycle["lines"]["data"][0]["period"]["start"] == first_end
    assert obj(events[4])["id"] != charge["id"]
    assert stripe_client.v1.subscriptions.retrieve(sub.id)["items"].data[0].current_period_start == first_end

    # A changed amount applies from the next invoice.
    updated = stripe_client.v1.subscriptions.update(
        sub.id,
        params={
            "items": [
                {
                    "id": item.id,
                    "price_data": {
                        "currency": "eur",
                        "product": item.price.product if isinstance(item.price.product, str) else item.price.product.id,
                        "unit_amount": 1500,
                        "recurring": {"interval": "month"},
                    },
                }
            ],
            "proration_behavior": "none",
        },
    )
    assert updated["items"].data[0].price.unit_amount == 1500
    assert stripe_fake.event_types()[-1] == "customer.subscription.updated"
    next_invoice = stripe_fake.renew(sub.id)
    assert next_invoice is not None and next_invoice["amount_paid"] == 1500

    # cancel_at_period_end: the next renewal ends it instead of billing.
    flagged = stripe_client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": True})
    assert flagged.cancel_at_period_end is True and flagged.cancel_at is not None
    assert stripe_fake.renew(sub.id) is None
    assert stripe_fake.event_types()[-1] == "customer.subscription.deleted"
    assert stripe_client.v1.subscriptions.retrieve(sub.id).status == "canceled"


def test_subscription_cancel_now(stripe_fake: StripeFake, stripe_client: stripe.StripeClient) -> None:
    session = stripe_client.v1.checkout.sessions.create(params=subscription_params())
    sub_id = stripe_fake.pay(session.id).session["subscription"]
    canceled = stripe_client.v1.subscriptions.cancel(sub_id)
    assert canceled.status == "canceled" and canceled.ended_at is not None
    deleted = stripe_fake.events[-1]
    assert deleted["type"] == "customer.subscription.deleted"
    assert deleted["data"]["object"]["metadata"] == {"pledge_id": "7"}
    assert deleted["request"]["id"] is not None  # caused by an API call, as Stripe records it
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.subscriptions.cancel(sub_id)


def test_declined_card_keeps_session_open(
    stripe_fake: StripeFake,
    stripe_client: stripe.StripeClient,
    webhook_receiver: WebhookReceiver,
    endpoint: WebhookEndpoint,
) -> None:
    session = stripe_client.v1.checkout.sessions.create(params=payment_params())
    response = pay_on_page(str(session.url), card="4000 0000 0000 0002")
    assert response.status_code == 402 and "Your card was declined." in response.text
    failed = verified(webhook_receiver, endpoint, 2)
    assert [e.type for e in failed] == ["charge.failed", "payment_intent.payment_failed"]
    error = obj(failed[1])["last_payment_error"]
    assert (error["code"], error["decline_code"], error["type"]) == ("card_declined", "generic_decline", "card_error")
    again = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert again.status == "open" and again.payment_status == "unpaid"

    assert pay_on_page(str(session.url)).status_code == 303  # a second try with a good card
    events = verified(webhook_receiver, endpoint, 5)[2:]
    assert [e.type for e in events] == PAYMENT_EVENTS
    assert obj(events[1])["id"] == obj(failed[1])["id"]  # the same PaymentIntent, retried


def test_invalid_card_number_creates_nothing(stripe_fake: StripeFake, stripe_client: stripe.StripeClient) -> None:
    session = stripe_client.v1.checkout.sessions.create(params=payment_params())
    response = pay_on_page(str(session.url), card="1234 5678 9012 3456")
    assert response.status_code == 400 and "card number is invalid" in response.text
    assert stripe_fake.events == []


def test_idempotency_replay_and_mismatch(stripe_fake: StripeFake, stripe_client: stripe.StripeClient) -> None:
    first = stripe_client.v1.checkout.sessions.create(params=payment_params(), options={"idempotency_key": "don-41"})
    again = stripe_client.v1.checkout.sessions.create(params=payment_params(), options={"idempotency_key": "don-41"})
    assert again.id == first.id
    assert again.last_response is not None and again.last_response.headers["Idempotent-Replayed"] == "true"
    with pytest.raises(stripe.IdempotencyError) as caught:
        stripe_client.v1.checkout.sessions.create(params=payment_params(3000), options={"idempotency_key": "don-41"})
    assert caught.value.http_status == 400
    assert "same parameters" in str(caught.value.user_message)
    sessions = [r for r in stripe_fake.requests if r.path == "/v1/checkout/sessions"]
    assert [r.status for r in sessions] == [200, 200, 400]


def test_auth_failures(stripe_fake: StripeFake) -> None:
    wrong = stripe.StripeClient("sk_test_wrong_key_1234", base_addresses={"api": stripe_fake.url})
    with pytest.raises(stripe.AuthenticationError) as caught:
        wrong.v1.checkout.sessions.create(params=payment_params())
    assert caught.value.http_status == 401 and "Invalid API Key provided" in str(caught.value.user_message)
    missing = requests.get(f"{stripe_fake.url}/v1/checkout/sessions/cs_test_x", timeout=5)
    assert missing.status_code == 401
    assert missing.json()["error"]["type"] == "invalid_request_error"
    assert "did not provide an API key" in missing.json()["error"]["message"]
    basic = requests.get(f"{stripe_fake.url}/v1/events", auth=(stripe_fake.api_key, ""), timeout=5)
    assert basic.status_code == 200


def test_validation_errors_match_stripe(stripe_client: stripe.StripeClient) -> None:
    no_items: SessionCreateParams = {"mode": "payment", "success_url": SUCCESS}
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.checkout.sessions.create(params=no_items)
    assert (caught.value.http_status, caught.value.code, caught.value.param) == (400, "parameter_missing", "line_items")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.checkout.sessions.create(params=payment_params(amount=49))
    assert caught.value.code == "amount_too_small"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.checkout.sessions.create(params=cast(Any, {**payment_params(), "donation": "1"}))
    assert (caught.value.code, caught.value.param) == ("parameter_unknown", "donation")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.payment_intents.retrieve("pi_missing")
    assert (caught.value.http_status, caught.value.code) == (404, "resource_missing")
    assert stripe_client.v1.checkout.sessions.create(params=payment_params(amount=50)).amount_total == 50


def test_refund_events(stripe_fake: StripeFake, stripe_client: stripe.StripeClient) -> None:
    session = stripe_client.v1.checkout.sessions.create(params=payment_params())
    intent_id = stripe_fake.pay(session.id).session["payment_intent"]
    charge_id = stripe_fake.get(intent_id)["latest_charge"]
    partial = stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 1000})
    assert (partial.amount, partial.status, partial.charge) == (1000, "succeeded", charge_id)
    rest = stripe_fake.refund(charge_id)
    assert rest["amount"] == 1500
    refund_events = [e for e in stripe_fake.events if e["type"] in ("charge.refunded", "refund.created")]
    assert [e["type"] for e in refund_events] == ["charge.refunded", "refund.created"] * 2
    last_charge = refund_events[2]["data"]["object"]
    assert (last_charge["amount_refunded"], last_charge["refunded"]) == (2500, True)
    assert refund_events[2]["data"]["previous_attributes"] == {"amount_refunded": 1000, "refunded": False}
    txn = stripe_client.v1.balance_transactions.retrieve(str(partial.balance_transaction))
    assert (txn.amount, txn.type, txn.fee) == (-1000, "refund", 0)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.refunds.create(params={"charge": charge_id})
    assert caught.value.code == "charge_already_refunded"


def test_dispute_lifecycle(stripe_fake: StripeFake, stripe_client: stripe.StripeClient) -> None:
    charges = []
    for _ in range(2):
        session = stripe_client.v1.checkout.sessions.create(params=payment_params())
        charges.append(stripe_fake.get(stripe_fake.pay(session.id).session["payment_intent"])["latest_charge"])
    won = stripe_fake.dispute(charges[0])
    lost = stripe_fake.dispute(charges[1])
    assert won["id"].startswith("dp_") and won["status"] == "needs_response" and won["amount"] == 2500
    withdrawal = won["balance_transactions"][0]
    assert (withdrawal["amount"], withdrawal["fee"], withdrawal["net"]) == (-2500, 1500, -4000)
    stripe_fake.close_dispute(won["id"], won=True)
    stripe_fake.close_dispute(lost["id"], won=False)
    tail = [(e["type"], e["data"]["object"]["id"], e["data"]["object"]["status"]) for e in stripe_fake.events[-7:]]
    assert tail == [
        ("charge.dispute.created", won["id"], "needs_response"),
        ("charge.dispute.funds_withdrawn", won["id"], "needs_response"),
        ("charge.dispute.created", lost["id"], "needs_response"),
        ("charge.dispute.funds_withdrawn", lost["id"], "needs_response"),
        ("charge.dispute.closed", won["id"], "won"),
        ("charge.dispute.funds_reinstated", won["id"], "won"),
        ("charge.dispute.closed", lost["id"], "lost"),
    ]
    reinstated = stripe_fake.events[-2]["data"]["object"]["balance_transactions"][1]
    assert (reinstated["amount"], reinstated["fee"], reinstated["net"]) == (2500, -1500, 4000)
    closed_lost = stripe_fake.get(lost["id"])
    assert closed_lost["status"] == "lost"
    assert stripe_client.v1.disputes.retrieve(won["id"]).status == "won"
    assert stripe_client.v1.charges.retrieve(charges[0]).disputed is True


def test_expire_session(stripe_fake: StripeFake, stripe_client: stripe.StripeClient) -> None:
    session = stripe_client.v1.checkout.sessions.create(params=payment_params())
    expired = stripe_client.v1.checkout.sessions.expire(session.id)
    assert expired.status == "expired" and expired.url is None
    assert stripe_fake.event_types() == ["checkout.session.expired"]
    assert "expired" in requests.get(str(session.url), timeout=5).text
    cancel = requests.get(f"{session.url}/cancel", allow_redirects=False, timeout=5)
    assert cancel.status_code == 303 and cancel.headers["Location"] == CANCEL


def test_faults_delay_and_500(stripe_fake: StripeFake, stripe_sdk: FakeStripeSDK) -> None:
    stripe_fake.fail_next(1)
    with pytest.raises(stripe.APIError) as caught:
        stripe_sdk.client().v1.checkout.sessions.create(params=payment_params())
    assert caught.value.http_status == 500
    stripe_fake.fail_next(1)  # the SDK retries a 500 with the same Idempotency-Key
    session = stripe_sdk.client(max_network_retries=1).v1.checkout.sessions.create(params=payment_params())
    keys = [r.idempotency_key for r in stripe_fake.requests[-2:]]
    assert [r.status for r in stripe_fake.requests[-2:]] == [500, 200] and keys[0] == keys[1]
    assert stripe_fake.get(session.id)["status"] == "open"

    stripe_fake.set_delay(0.5)
    slow = stripe_sdk.client(http_client=stripe.RequestsClient(timeout=0.1))
    with pytest.raises(stripe.APIConnectionError):
        slow.v1.checkout.sessions.retrieve(session.id)


def test_global_api_base(stripe_sdk: FakeStripeSDK) -> None:
    session = stripe.checkout.Session.create(**payment_params())
    assert stripe.checkout.Session.retrieve(session.id).amount_total == 2500
    assert stripe.api_base == stripe_sdk.fake.url


def test_failed_delivery_is_redelivered(
    stripe_fake: StripeFake,
    stripe_client: stripe.StripeClient,
    webhook_receiver: WebhookReceiver,
    endpoint: WebhookEndpoint,
) -> None:
    webhook_receiver.status = 500
    session = stripe_client.v1.checkout.sessions.create(params=payment_params())
    stripe_fake.pay(session.id)
    assert stripe_fake.wait_for_deliveries(10)
    assert [d.ok for d in stripe_fake.deliveries] == [False] * 3
    webhook_receiver.status = 200
    assert stripe_fake.redeliver_failed() == 3
    assert stripe_fake.wait_for_deliveries(10)
    assert [(d.attempt, d.status) for d in stripe_fake.deliveries[3:]] == [(2, 200)] * 3
    bodies = webhook_receiver.wait_for(6)
    assert [b.body for b in bodies[:3]] == [b.body for b in bodies[3:]]  # same event, re-signed
    for received in bodies:
        stripe.Webhook.construct_event(received.body, received.signature, endpoint.secret)
    assert stripe_fake.redeliver_failed() == 0


def test_manual_delivery_to_a_callable_in_this_thread() -> None:
    """``auto_deliver=False`` + a handler: how a Django test posts events through its test client."""
    calls: list[tuple[str, str]] = []

    def handler(body: bytes, headers: dict[str, str]) -> int:
        calls.append((headers["Stripe-Signature"], threading.current_thread().name))
        return 200

    with StripeFake(auto_deliver=False) as fake:
        endpoint = fake.add_webhook_endpoint(handler=handler, events=["checkout.session.completed"])
        client = stripe.StripeClient(fake.api_key, base_addresses={"api": fake.url}, max_network_retries=0)
        session = client.v1.checkout.sessions.create(params=payment_params())
        fake.pay(session.id)
        assert calls == [] and fake.wait_for_deliveries(0.1) is False
        deliveries = fake.deliver_pending()
        assert [(d.event_type, d.status) for d in deliveries] == [("checkout.session.completed", 200)]
        assert calls[0][1] == threading.current_thread().name
        assert endpoint.secret.startswith("whsec_")


class _SlowReleasingFake(StripeFake):
    """A fake whose server thread is held (as on a loaded machine) between writing a
    response and releasing the events that call caused."""

    def __init__(self) -> None:
        super().__init__(auto_deliver=False)
        self.gate = threading.Event()

    def _answered(self) -> None:
        self.gate.wait(10)
        super()._answered()


def test_manual_delivery_waits_for_the_events_of_an_answered_call() -> None:
    """The SDK may return before the server thread releases the call's events: delivering
    then must wait for them rather than deliver nothing (the card-flow refund test's flake)."""
    with _SlowReleasingFake() as fake:
        fake.add_webhook_endpoint(handler=lambda body, headers: 200, events=["charge.refunded"])
        client = stripe.StripeClient(fake.api_key, base_addresses={"api": fake.url}, max_network_retries=0)
        session = client.v1.checkout.sessions.create(params=payment_params())
        fake.gate.set()
        fake.pay(session.id)
        intent = str(fake.get(session.id)["payment_intent"])
        fake.deliver_pending()
        fake.gate.clear()
        client.v1.refunds.create(params={"payment_intent": intent, "amount": 500})
        with pytest.raises(TimeoutError):
            fake.deliver_pending(timeout=0.05)  # still held: nothing is delivered half-way
        assert fake.wait_for_deliveries(0.05) is False
        fake.gate.set()
        assert [d.event_type for d in fake.deliver_pending()] == ["charge.refunded"]


def test_control_api_over_http(stripe_fake: StripeFake, stripe_client: stripe.StripeClient) -> None:
    session = stripe_client.v1.checkout.sessions.create(params=subscription_params())
    paid = requests.post(f"{stripe_fake.url}/_fake/pay/{session.id}", data={"name": "Ivan"}, timeout=5).json()
    assert paid["error"] is None and paid["session"]["status"] == "complete"
    renewed = requests.post(f"{stripe_fake.url}/_fake/renew/{paid['session']['subscription']}", timeout=5).json()
    assert renewed["result"]["billing_reason"] == "subscription_cycle"
    assert requests.post(f"{stripe_fake.url}/_fake/reset", timeout=5).json() == {"ok": True}
    assert stripe_fake.events == []


def test_legacy_api_version_adds_pre_basil_invoice_fields() -> None:
    with StripeFake(api_version="2024-06-20") as fake:
        client = stripe.StripeClient(fake.api_key, base_addresses={"api": fake.url}, max_network_retries=0)
        session = client.v1.checkout.sessions.create(params=subscription_params())
        fake.pay(session.id)
        invoice = next(e for e in fake.events if e["type"] == "invoice.paid")["data"]["object"]
        assert invoice["subscription"] == invoice["parent"]["subscription_details"]["subscription"]
        assert invoice["subscription_details"]["metadata"] == {"pledge_id": "7"}
        assert invoice["charge"].startswith("ch_") and invoice["payment_intent"].startswith("pi_")
        assert fake.events[0]["api_version"] == "2024-06-20"


def test_failed_renewal_marks_subscription_past_due(
    stripe_fake: StripeFake, stripe_client: stripe.StripeClient
) -> None:
    session = stripe_client.v1.checkout.sessions.create(params=subscription_params())
    sub_id = stripe_fake.pay(session.id).session["subscription"]
    before = len(stripe_fake.events)
    invoice = stripe_fake.renew(sub_id, decline=True)
    assert invoice is not None and (invoice["status"], invoice["amount_paid"]) == ("open", 0)
    events = stripe_fake.events[before:]
    assert [e["type"] for e in events] == [
        "charge.failed",
        "payment_intent.payment_failed",
        "invoice.payment_failed",
        "customer.subscription.updated",
    ]
    assert events[-1]["data"]["previous_attributes"] == {"status": "active"}
    assert stripe_client.v1.subscriptions.retrieve(sub_id).status == "past_due"
    assert stripe_client.v1.invoice_payments.list(params={"invoice": invoice["id"]}).data == []


def test_events_api_lists_and_retrieves(stripe_fake: StripeFake, stripe_client: stripe.StripeClient) -> None:
    """Apps that re-fetch events by id (a common hardening) get the same object as the webhook."""
    session = stripe_client.v1.checkout.sessions.create(params=payment_params())
    stripe_fake.pay(session.id)
    listed = stripe_client.v1.events.list(params={"type": "charge.succeeded"})
    assert [e.type for e in listed.data] == ["charge.succeeded"]
    fetched = stripe_client.v1.events.retrieve(listed.data[0].id)
    assert fetched.data.object["id"] == stripe_fake.events[-1]["data"]["object"]["id"]
    newest_first = stripe_client.v1.events.list(params={"limit": 2})
    assert [e.type for e in newest_first.data] == ["charge.succeeded", "payment_intent.succeeded"]
    assert newest_first.has_more is True


def test_django_client_handler_with_manual_delivery(
    stripe_fake: StripeFake, stripe_client: stripe.StripeClient
) -> None:
    """The recipe for app tests: events go through the (here stubbed) Django test client in this thread."""
    from tests.stripe_fake.fixtures import django_client_handler

    posted: list[Any] = []

    class StubClient:
        def post(self, path: str, data: bytes, content_type: str, HTTP_STRIPE_SIGNATURE: str) -> Any:
            posted.append(stripe.Webhook.construct_event(data, HTTP_STRIPE_SIGNATURE, registered.secret))
            return type("Response", (), {"status_code": 200})()

    stripe_fake.set_auto_deliver(False)
    registered = stripe_fake.add_webhook_endpoint(handler=django_client_handler(StubClient()))
    session = stripe_client.v1.checkout.sessions.create(params=payment_params())
    stripe_fake.pay(session.id)
    assert posted == []
    assert [d.status for d in stripe_fake.deliver_pending()] == [200, 200, 200]
    assert [e.type for e in posted] == PAYMENT_EVENTS
    stripe_fake.reset()
    assert stripe_fake.dispatcher.auto is True  # reset restores background delivery
