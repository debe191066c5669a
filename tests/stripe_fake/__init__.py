"""Test doubles for Stripe: our own Checkout/Billing fake and a localstripe harness.

``StripeFake`` (``server.py``) covers what the app uses (Checkout Sessions,
the hosted page, PaymentIntents, Charges, balance transactions, refunds,
subscriptions, disputes, signed webhooks); ``LocalStripe``
(``localstripe_harness.py``) runs the ``localstripe`` package for the rest of
the PaymentIntent/Subscription API.  Pytest fixtures live in ``fixtures.py``.
"""

from .delivery import Delivery, WebhookEndpoint
from .engine import PayOutcome
from .localstripe_harness import LocalStripe
from .receiver import Received, WebhookReceiver
from .server import RequestRecord, StripeFake
from .signing import signature_header

__all__ = [
    "Delivery",
    "LocalStripe",
    "PayOutcome",
    "Received",
    "RequestRecord",
    "StripeFake",
    "WebhookEndpoint",
    "WebhookReceiver",
    "signature_header",
]
