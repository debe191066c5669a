"""Stripe Checkout: the hosted page, so no Stripe JavaScript runs on our pages.

Nothing sent to Stripe names a donation, pledge, campaign or beneficiary: the metadata,
`client_reference_id` and idempotency keys carry only a random reference (kept in our
database, `CardPayment.reference`), the product is named after the foundation, and the
thank-you and cancel URLs carry random single-use tokens (stored as hashes). Outbound
calls are never made inside a database transaction.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings

from solidarity.core.errors import DomainError
from solidarity.core.money import validate_currency
from solidarity.payments.providers.base import (
    MalformedEvent,
    ProviderEventData,
    ProviderUnavailable,
    StartedPayment,
    WebhookRejected,
)

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


class _OddField(Exception):
    """A signed event's field that is not what Stripe sends (the reason says which)."""


# Stripe's ids are short ASCII ("pi_3Q…", "evt_1…"); what is stored must fit its column.
_STRIPE_ID = re.compile(r"[A-Za-z0-9_\-]{1,100}")
MAX_MINOR = 10**12  # far above any gift; integer minor units beyond it are not a payment
MAX_ROW_ID = 2**62


def _event_id_of(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dict):
        value = value.get("id")
    if not isinstance(value, str) or not _STRIPE_ID.fullmatch(value):
        raise _OddField("an id is not a Stripe id")
    return value


def _text_of(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 60 or not value.isprintable():
        raise _OddField(f"{name} is not a short text")
    return value


def _minor_of(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _OddField(f"{name} is not an integer")
    if not 0 <= value <= MAX_MINOR:
        raise _OddField(f"{name} is out of range")
    return value


def _currency_of(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise _OddField("currency is not a text")
    try:
        return validate_currency(value) if len(value) == 3 else validate_currency("?")
    except DomainError as exc:
        raise _OddField("currency is not a known ISO 4217 code") from exc


def _row_id_of(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROW_ID:
        raise _OddField(f"{name} is not one of our ids")
    return value


def _object_of(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _OddField(f"{name} is not an object")
    return value


def _signed_at(header: str) -> int | None:
    for part in header.split(","):
        key, _sep, value = part.partition("=")
        if key.strip() == "t":
            value = value.strip()
            return int(value) if value.isascii() and value.isdigit() and len(value) < 16 else None
    return None


def _body_id(payload: str) -> str:
    """The key of a signed body that names no usable event id: its digest."""
    return "sha256-" + hashlib.sha256(payload.encode()).hexdigest()[:64]


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
        signed_at = _signed_at(signature)
        # The SDK refuses signatures older than the tolerance, not ones dated in the future:
        # a captured body signed ahead of time must not stay valid until that day comes.
        if signed_at is not None and signed_at > time.time() + settings.STRIPE_WEBHOOK_TOLERANCE:
            raise WebhookRejected("The signature is dated in the future.")
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
        if not isinstance(event, dict):
            raise WebhookRejected("The body is not a Stripe event.")
        kind = event.get("type")
        if not isinstance(kind, str) or kind not in HANDLED_EVENTS | ACKNOWLEDGED_EVENTS:
            raise WebhookRejected(f"Unsupported event type {str(kind)[:60]!r}.")
        if bool(event.get("livemode")) != _livemode_expected():
            raise WebhookRejected("The event's mode (test/live) does not match this site's key.")
        # A genuine event of a type we take: what cannot be used is stored as failed, with
        # the reason, instead of being refused (Stripe would deliver it again for days).
        event_id = event.get("id")
        if not isinstance(event_id, str) or not _STRIPE_ID.fullmatch(event_id):
            raise MalformedEvent("The event has no usable id.", event_id=_body_id(payload), type=kind)
        try:
            data = event.get("data")
            if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
                raise _OddField("data.object is not an object")
            return _normalise(event)
        except _OddField as exc:
            raise MalformedEvent(f"The event's {exc}.", event_id=event_id, type=kind) from exc

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
    existed) the donation and pledge ids those carried; _OddField if any is malformed."""
    reference = ""
    donation_id = pledge_id = None
    for source in sources:
        metadata = _object_of(source, "metadata")
        reference = reference or _reference_of(metadata.get("reference"), "metadata.reference")
        donation_id = donation_id or _row_id_of(metadata.get("donation_id"), "metadata.donation_id")
        pledge_id = pledge_id or _row_id_of(metadata.get("pledge_id"), "metadata.pledge_id")
    return {"reference": reference, "donation_id": donation_id, "pledge_id": pledge_id}


# Our references are 24 random URL-safe characters (payments/card_payments.py).
_REFERENCE = re.compile(r"[A-Za-z0-9_\-]{1,40}")


def _reference_of(value: Any, name: str) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not _REFERENCE.fullmatch(value):
        raise _OddField(f"{name} is not one of our references")
    return value


def _normalise(event: Any) -> ProviderEventData:
    """The fields the handlers use, each checked for what Stripe sends; _OddField if not."""
    obj = event["data"]["object"]
    kind = str(event["type"])
    created = event.get("created") or 0
    if isinstance(created, bool) or not isinstance(created, int) or not 0 <= created < 2**40:
        raise _OddField("created is not a time")
    common: dict[str, Any] = {"provider": "stripe", "event_id": str(event["id"]), "type": kind, "created": created}
    if kind.startswith("checkout.session."):
        ids = _metadata_ids(obj.get("metadata"))
        if not ids["reference"] and not ids["donation_id"]:
            client_reference = obj.get("client_reference_id")
            if isinstance(client_reference, str) and client_reference.isascii() and client_reference.isdigit():
                ids["donation_id"] = _row_id_of(client_reference, "client_reference_id")
            else:
                ids["reference"] = _reference_of(client_reference, "client_reference_id")
        return ProviderEventData(
            **common,
            **ids,
            checkout_session_id=_event_id_of(obj.get("id")),
            payment_intent_id=_event_id_of(obj.get("payment_intent")),
            subscription_id=_event_id_of(obj.get("subscription")),
            status=_text_of(obj.get("payment_status"), "payment_status"),
            amount_minor=_minor_of(obj.get("amount_total"), "amount_total"),
            currency=_currency_of(obj.get("currency")),
            extra={"mode": _text_of(obj.get("mode"), "mode")},
        )
    if kind.startswith("payment_intent."):
        ids = _metadata_ids(obj.get("metadata"))
        return ProviderEventData(
            **common,
            **ids,
            payment_intent_id=_event_id_of(obj.get("id")),
            charge_id=_event_id_of(obj.get("latest_charge")),
            amount_minor=_minor_of(obj.get("amount_received") or obj.get("amount"), "amount"),
            currency=_currency_of(obj.get("currency")),
            status=_text_of(obj.get("status"), "status"),
        )
    if kind.startswith("invoice."):
        details = _object_of(obj.get("subscription_details"), "subscription_details")
        parent = _object_of(_object_of(obj.get("parent"), "parent").get("subscription_details"), "parent")
        ids = _metadata_ids(details.get("metadata"), parent.get("metadata"), obj.get("metadata"))
        return ProviderEventData(
            **common,
            **ids,
            invoice_id=_event_id_of(obj.get("id")),
            subscription_id=_event_id_of(parent.get("subscription")) or _event_id_of(obj.get("subscription")),
            payment_intent_id=_event_id_of(obj.get("payment_intent")),
            charge_id=_event_id_of(obj.get("charge")),
            billing_reason=_text_of(obj.get("billing_reason"), "billing_reason"),
            amount_minor=_minor_of(obj.get("amount_paid"), "amount_paid"),
            currency=_currency_of(obj.get("currency")),
        )
    if kind.startswith("charge.dispute."):
        return ProviderEventData(
            **common,
            dispute_id=_event_id_of(obj.get("id")),
            charge_id=_event_id_of(obj.get("charge")),
            payment_intent_id=_event_id_of(obj.get("payment_intent")),
            status=_text_of(obj.get("status"), "status"),
            amount_minor=_minor_of(obj.get("amount"), "amount"),
            currency=_currency_of(obj.get("currency")),
        )
    if kind.startswith("charge."):
        ids = _metadata_ids(obj.get("metadata"))
        return ProviderEventData(
            **common,
            **ids,
            charge_id=_event_id_of(obj.get("id")),
            payment_intent_id=_event_id_of(obj.get("payment_intent")),
            amount_minor=_minor_of(obj.get("amount"), "amount"),
            amount_refunded_minor=_minor_of(obj.get("amount_refunded"), "amount_refunded"),
            currency=_currency_of(obj.get("currency")),
        )
    if kind.startswith("customer.subscription."):
        ids = _metadata_ids(obj.get("metadata"))
        return ProviderEventData(
            **common,
            **ids,
            subscription_id=_event_id_of(obj.get("id")),
            status=_text_of(obj.get("status"), "status"),
        )
    return ProviderEventData(**common)
