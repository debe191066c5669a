"""Test doubles for Stripe: our own Checkout/Billing fake and a localstripe harness.

``StripeFake`` lives in the product (``solidarity/demo/stripe_fake``: the demo runs it as a
server, see ``manage.py run_demo``) and is re-exported here; ``LocalStripe``
(``localstripe_harness.py``) runs the ``localstripe`` package for the rest of the
PaymentIntent/Subscription API.  Pytest fixtures live in ``fixtures.py``.
"""

from solidarity.demo.stripe_fake import Delivery, PayOutcome, RequestRecord, StripeFake, WebhookEndpoint
from solidarity.demo.stripe_fake.signing import signature_header

from .localstripe_harness import LocalStripe
from .receiver import Received, WebhookReceiver

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
