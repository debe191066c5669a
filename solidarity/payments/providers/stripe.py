"""Stripe Checkout: the hosted page, so no Stripe JavaScript runs on our pages.

Nothing sent to Stripe names a donation, pledge, campaign or beneficiary: the metadata,
`client_reference_id` and idempotency keys carry only a random reference (kept in our
database, `CardPayment.reference`), the product is named after the foundation, and the
thank-you and cancel URLs carry random single-use tokens (stored as hashes). Outbound
calls are never made inside a database transaction.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings

from solidarity.payments.providers.base import ProviderEventData, ProviderUnavailable, StartedPayment, WebhookRejected

if TYPE_CHECKING:
    from solidarity.core.money import Money
    from solidarity.donations.models import Donation

# Events that change money or state, and those we accept but have nothing to do for.
HANDLED_EVENTS = {
    "checkout.session.completed",
    "checkout.session.expired",
    "payment_intent.succeeded",
    "invoice.paid",
    "charge.refunded",
    "charge.dispute.created",
    "charge.dispute.closed",
    "customer.subscription.deleted",
}
ACKNOWLEDGED_EVENTS = {
    "charge.succeeded",
    "charge.updated",
    "charge.dispute.updated",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.funds_reinstated",
    "payment_intent.created",
    "payment_intent.payment_failed",
    "customer.created",
    "customer.subscription.created",
    "customer.subscription.updated",
    "invoice.created",
    "invoice.finalized",
    "invoice.payment_succeeded",
    "invoice.payment_failed",
    "refund.created",
    "refund.updated",
}


def _client(retries: int = 2) -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise ProviderUnavailable("Card payments are not configured on this site.")
    return _shared_client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, retries)


@functools.lru_cache(maxsize=8)
def _shared_client(secret_key: str, api_base: str, retries: int) -> stripe.StripeClient:
    """One client per configuration, kept: its HTTP sessions (one per thread, inside the
    SDK) keep their connections to Stripe open, so a look-up does not pay a new TLS
    handshake each time."""
    base = {"api": api_base} if api_base else None
    return stripe.StripeClient(secret_key, base_addresses=base, max_network_retries=retries)  # type: ignore[arg-type]


def _livemode_expected() -> bool:
    return settings.STRIPE_SECRET_KEY.startswith(("sk_live_", "rk_live_"))


def _id(value: Any) -> str:
    """An expandable field is either an id string or an object with an id."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(value.get("id", "")) if hasattr(value, "get") else ""


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


class StripeProvider:
    name = "stripe"
    channels: tuple[str, ...] = ("card",)
    supports_refund = True
    supports_recurring = True
    receives_webhooks = True

    def start_payment(self, *, donation: Donation, language: str) -> StartedPayment:
        monthly = donation.recurrence == "monthly"
        # Random, not derived from any id of ours: without our database it names nothing.
        reference = secrets.token_urlsafe(18)
        thanks_token = secrets.token_urlsafe(24)
        cancel_token = secrets.token_urlsafe(24)
        metadata = {"reference": reference}
        price_data: dict[str, Any] = {
            "currency": donation.currency.lower(),
            "unit_amount": donation.amount_minor,
            "product_data": {"name": f"Donation to {settings.SOLIDARITY_SITE_NAME}"},
        }
        if monthly:
            price_data["recurring"] = {"interval": "month"}
        base = settings.SOLIDARITY_PUBLIC_URL
        params: dict[str, Any] = {
            "mode": "subscription" if monthly else "payment",
            "line_items": [{"price_data": price_data, "quantity": 1}],
            # Single-use tokens, not Stripe's session id: what Stripe holds opens nothing
            # once the donor has come back (see web.donate_pages).
            "success_url": f"{base}/{language}/donate/thanks/?t={thanks_token}",
            "cancel_url": f"{base}/{language}/donate/cancelled/?t={cancel_token}",
            "client_reference_id": reference,
            "metadata": metadata,
        }
        if monthly:
            params["subscription_data"] = {"metadata": metadata}
        else:
            params["payment_intent_data"] = {"metadata": metadata}
            params["submit_type"] = "donate"
        try:
            session = _client().v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"solidarity-checkout-{reference}"},
            )
        except stripe.StripeError as exc:
            raise ProviderUnavailable(
                "The card processor did not accept the request; please try again or give by bank transfer."
            ) from exc
        if not session.url:
            raise ProviderUnavailable("The card processor returned no payment page.")
        return StartedPayment(
            redirect_url=session.url,
            session_id=session.id,
            reference=reference,
            thanks_token=thanks_token,
            cancel_token=cancel_token,
        )

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEventData:
        signature = headers.get("Stripe-Signature", "")
        if not signature:
            raise WebhookRejected("Missing Stripe-Signature header.")
        secrets = settings.STRIPE_WEBHOOK_SECRETS
        if not secrets:
            raise WebhookRejected("No webhook secret is configured.")
        try:
            payload = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WebhookRejected("The body is not a Stripe event.") from exc
        for secret in secrets:  # several during a rotation
            try:
                # What stripe.Webhook.construct_event does, less building an Event object
                # that would only be turned back into a dict (0.6 ms of 2 per delivery).
                stripe.WebhookSignature.verify_header(payload, signature, secret, settings.STRIPE_WEBHOOK_TOLERANCE)
                break
            except stripe.SignatureVerificationError:
                continue
        else:
            raise WebhookRejected("The signature does not match, or the event is too old.")
        try:
            event = json.loads(payload)
        except ValueError as exc:
            raise WebhookRejected("The body is not a Stripe event.") from exc
        if not isinstance(event, dict) or not isinstance((event.get("data") or {}).get("object"), dict):
            raise WebhookRejected("The body is not a Stripe event.")
        if bool(event.get("livemode")) != _livemode_expected():
            raise WebhookRejected("The event's mode (test/live) does not match this site's key.")
        kind = str(event.get("type", ""))
        if kind not in HANDLED_EVENTS | ACKNOWLEDGED_EVENTS:
            raise WebhookRejected(f"Unsupported event type {kind!r}.")
        return _normalise(event)

    def refund(self, *, donation: Donation, amount: Money | None = None) -> str:
        from solidarity.payments.models import CardPayment

        card = CardPayment.objects.get(donation_id=donation.pk)  # fresh: webhooks update it
        remaining = donation.amount_minor - card.refunded_minor
        minor = amount.minor if amount is not None else remaining
        if not 0 < minor <= remaining:
            raise ProviderUnavailable(f"Nothing to refund: {remaining} minor units remain of this donation.")
        # Always name the amount: "the rest" is computed here, not left to the processor.
        params: dict[str, Any] = {"payment_intent": card.payment_intent_id, "amount": minor}
        # The key names the state the refund starts from: a retry of the same request replays
        # it, a later refund (after the first was booked) is a new one. It is built from
        # Stripe's own id for the payment, never from a sequential id of ours.
        key = f"solidarity-refund-{card.payment_intent_id}-from-{card.refunded_minor}-{minor}"
        try:
            refund = _client().v1.refunds.create(params=params, options={"idempotency_key": key})  # type: ignore[arg-type]
        except stripe.StripeError as exc:
            raise ProviderUnavailable(f"The card processor refused the refund: {exc.user_message or exc}") from exc
        return str(refund.id)

    def fetch_fee(self, *, payment_intent_id: str = "", charge_id: str = "") -> tuple[str, int | None]:
        """(charge id, fee in minor units) from the balance transaction, if Stripe says; never raises."""
        try:
            client = _client(retries=0)  # best effort: a missing fee is booked without it
            charge: Any
            if charge_id:
                charge = client.v1.charges.retrieve(charge_id, params={"expand": ["balance_transaction"]}).to_dict()
            elif payment_intent_id:
                intent = client.v1.payment_intents.retrieve(
                    payment_intent_id, params={"expand": ["latest_charge.balance_transaction"]}
                ).to_dict()
                charge = intent.get("latest_charge")
                if not charge or isinstance(charge, str):
                    return _id(charge), None
            else:
                return "", None
            balance = charge.get("balance_transaction")
            fee = _int_or_none(balance.get("fee")) if balance and not isinstance(balance, str) else None
            return _id(charge), fee
        except (stripe.StripeError, ProviderUnavailable, AttributeError, KeyError):
            return charge_id, None

    def fetch_invoice_payment(self, *, invoice_id: str) -> tuple[str, str, int | None] | None:
        """(payment intent, charge, fee) that paid an invoice, or None if Stripe cannot say now.

        Since API version 2025-03-31 an Invoice no longer names its charge or payment
        intent; they are found through the invoice's payments.
        """
        try:
            invoice = (
                _client(retries=1)
                .v1.invoices.retrieve(
                    invoice_id,
                    params={"expand": ["payments.data.payment.payment_intent.latest_charge.balance_transaction"]},
                )
                .to_dict()
            )
        except (stripe.StripeError, ProviderUnavailable):
            return None
        for entry in (invoice.get("payments") or {}).get("data") or []:
            intent = (entry.get("payment") or {}).get("payment_intent")
            if not isinstance(intent, dict):
                continue
            charge = intent.get("latest_charge")
            if not isinstance(charge, dict):
                return str(intent.get("id", "")), _id(charge), None
            balance = charge.get("balance_transaction")
            fee = _int_or_none(balance.get("fee")) if isinstance(balance, dict) else None
            return str(intent.get("id", "")), str(charge.get("id", "")), fee
        return None

    def cancel_subscription(self, *, subscription_id: str) -> None:
        try:
            _client().v1.subscriptions.cancel(subscription_id)
        except stripe.StripeError as exc:
            raise ProviderUnavailable(
                f"The card processor could not cancel the monthly gift: {exc.user_message or exc}"
            ) from exc

    def change_subscription_amount(self, *, subscription_id: str, amount: Money) -> None:
        try:
            client = _client()
            subscription = client.v1.subscriptions.retrieve(subscription_id)
            item_id = subscription["items"]["data"][0]["id"]
            client.v1.subscriptions.update(
                subscription_id,
                params={  # type: ignore[typeddict-item]
                    "items": [
                        {
                            "id": item_id,
                            "price_data": {
                                "currency": amount.currency.lower(),
                                "unit_amount": amount.minor,
                                "product": subscription["items"]["data"][0]["price"]["product"],
                                "recurring": {"interval": "month"},
                            },
                        }
                    ],
                    "proration_behavior": "none",
                },
                options={
                    "idempotency_key": f"solidarity-subscription-{subscription_id}-amount-{amount.minor}-{amount.currency}"
                },
            )
        except (stripe.StripeError, KeyError, IndexError, TypeError) as exc:
            raise ProviderUnavailable("The card processor could not change the monthly amount.") from exc


def _metadata_ids(*sources: Any) -> dict[str, Any]:
    """Our random reference, and (only in events about payments started before references
    existed) the donation and pledge ids those carried."""
    reference = ""
    donation_id = pledge_id = None
    for source in sources:
        if not source or not hasattr(source, "get"):
            continue
        reference = reference or str(source.get("reference") or "")[:40]
        donation_id = donation_id or _int_or_none(source.get("donation_id"))
        pledge_id = pledge_id or _int_or_none(source.get("pledge_id"))
    return {"reference": reference, "donation_id": donation_id, "pledge_id": pledge_id}


def _normalise(event: Any) -> ProviderEventData:
    obj = event["data"]["object"]
    kind = str(event["type"])
    common: dict[str, Any] = {
        "provider": "stripe",
        "event_id": str(event["id"]),
        "type": kind,
        "created": int(event.get("created") or 0),
    }
    if kind.startswith("checkout.session."):
        ids = _metadata_ids(obj.get("metadata"))
        if not ids["reference"] and not ids["donation_id"]:
            client_reference = str(obj.get("client_reference_id") or "")
            if client_reference.isdigit():
                ids["donation_id"] = int(client_reference)
            else:
                ids["reference"] = client_reference[:40]
        return ProviderEventData(
            **common,
            **ids,
            checkout_session_id=str(obj.get("id", "")),
            payment_intent_id=_id(obj.get("payment_intent")),
            subscription_id=_id(obj.get("subscription")),
            status=str(obj.get("payment_status") or ""),
            amount_minor=_int_or_none(obj.get("amount_total")),
            currency=str(obj.get("currency") or "").upper(),
            extra={"mode": str(obj.get("mode") or "")},
        )
    if kind.startswith("payment_intent."):
        ids = _metadata_ids(obj.get("metadata"))
        return ProviderEventData(
            **common,
            **ids,
            payment_intent_id=str(obj.get("id", "")),
            charge_id=_id(obj.get("latest_charge")),
            amount_minor=_int_or_none(obj.get("amount_received") or obj.get("amount")),
            currency=str(obj.get("currency") or "").upper(),
            status=str(obj.get("status") or ""),
        )
    if kind.startswith("invoice."):
        details = obj.get("subscription_details") or {}
        parent = (obj.get("parent") or {}).get("subscription_details") or {}
        ids = _metadata_ids(details.get("metadata"), parent.get("metadata"), obj.get("metadata"))
        return ProviderEventData(
            **common,
            **ids,
            invoice_id=str(obj.get("id", "")),
            subscription_id=_id(parent.get("subscription")) or _id(obj.get("subscription")),
            payment_intent_id=_id(obj.get("payment_intent")),
            charge_id=_id(obj.get("charge")),
            billing_reason=str(obj.get("billing_reason") or ""),
            amount_minor=_int_or_none(obj.get("amount_paid")),
            currency=str(obj.get("currency") or "").upper(),
        )
    if kind.startswith("charge.dispute."):
        return ProviderEventData(
            **common,
            dispute_id=str(obj.get("id", "")),
            charge_id=_id(obj.get("charge")),
            payment_intent_id=_id(obj.get("payment_intent")),
            status=str(obj.get("status") or ""),
            amount_minor=_int_or_none(obj.get("amount")),
            currency=str(obj.get("currency") or "").upper(),
        )
    if kind.startswith("charge."):
        ids = _metadata_ids(obj.get("metadata"))
        return ProviderEventData(
            **common,
            **ids,
            charge_id=str(obj.get("id", "")),
            payment_intent_id=_id(obj.get("payment_intent")),
            amount_minor=_int_or_none(obj.get("amount")),
            amount_refunded_minor=_int_or_none(obj.get("amount_refunded")),
            currency=str(obj.get("currency") or "").upper(),
        )
    if kind.startswith("customer.subscription."):
        ids = _metadata_ids(obj.get("metadata"))
        return ProviderEventData(
            **common,
            **ids,
            subscription_id=str(obj.get("id", "")),
            status=str(obj.get("status") or ""),
        )
    return ProviderEventData(**common)
