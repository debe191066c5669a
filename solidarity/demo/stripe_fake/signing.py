"""Stripe's webhook signature scheme, byte for byte.

Stripe signs ``f"{timestamp}.{payload}"`` with HMAC-SHA256 keyed by the
endpoint's ``whsec_...`` secret and sends ``Stripe-Signature: t=<ts>,v1=<hex>``.
The app verifies with ``stripe.Webhook.construct_event``, so any drift here
(another separator, a re-serialised payload) would make the fake useless; the
payload signed is exactly the bytes posted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time


def new_secret() -> str:
    """A fresh endpoint secret in Stripe's ``whsec_`` format."""
    return "whsec_" + secrets.token_hex(24)


def compute_signature(payload: str, secret: str, timestamp: int) -> str:
    signed = f"{timestamp}.{payload}".encode()
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header value for ``payload``."""
    ts = int(time.time()) if timestamp is None else timestamp
    return f"t={ts},v1={compute_signature(payload, secret, ts)}"
