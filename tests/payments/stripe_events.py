"""Signed Stripe events for webhook tests, made with Stripe's real signature scheme."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

from django.test import Client

SECRET = "whsec_test_secret_one"
_ids = itertools.count(1)


def sign(payload: bytes, secret: str = SECRET, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event(kind: str, obj: dict[str, Any], *, livemode: bool = False, event_id: str | None = None) -> bytes:
    body = {
        "id": event_id or f"evt_test_{next(_ids)}",
        "object": "event",
        "type": kind,
        "livemode": livemode,
        "created": int(time.time()),
        "api_version": "2025-09-30.clover",
        "data": {"object": obj},
    }
    return json.dumps(body).encode()


def deliver(client: Client, payload: bytes, *, signature: str | None = None) -> Any:
    headers = {"HTTP_STRIPE_SIGNATURE": signature if signature is not None else sign(payload)}
    return client.post("/payments/stripe/webhook/", data=payload, content_type="application/json", **headers)


def session_completed(
    donation_id: int, amount: int, currency: str = "eur", pi: str = "pi_1", mode: str = "payment"
) -> dict[str, Any]:
    return {
        "id": f"cs_test_{donation_id}",
        "object": "checkout.session",
        "mode": mode,
        "payment_status": "paid",
        "status": "complete",
        "amount_total": amount,
        "currency": currency,
        "payment_intent": pi if mode == "payment" else None,
        "subscription": None,
        "client_reference_id": str(donation_id),
        "metadata": {"donation_id": str(donation_id)},
        "customer_details": {"name": "Ivan Donorov", "email": "ivan@example.org"},
    }


def payment_intent_succeeded(
    donation_id: int, amount: int, currency: str = "eur", pi: str = "pi_1", charge: str = "ch_1"
) -> dict[str, Any]:
    return {
        "id": pi,
        "object": "payment_intent",
        "status": "succeeded",
        "amount": amount,
        "amount_received": amount,
        "currency": currency,
        "latest_charge": charge,
        "metadata": {"donation_id": str(donation_id)},
    }


def charge_refunded(
    amount: int, refunded: int, currency: str = "eur", pi: str = "pi_1", charge: str = "ch_1"
) -> dict[str, Any]:
    return {
        "id": charge,
        "object": "charge",
        "amount": amount,
        "amount_refunded": refunded,
        "currency": currency,
        "payment_intent": pi,
        "refunded": refunded == amount,
        "billing_details": {"name": "Ivan Donorov"},
    }


def dispute(
    kind_status: str, amount: int, dispute_id: str = "dp_1", charge: str = "ch_1", pi: str = "pi_1"
) -> dict[str, Any]:
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": amount,
        "currency": "eur",
        "charge": charge,
        "payment_intent": pi,
        "status": kind_status,
    }
