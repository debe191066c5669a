"""A Stripe-compatible Checkout/Billing server for the demo and the tests.

``StripeFake`` (``server.py``) answers the official SDK like api.stripe.com for what the
site uses (Checkout Sessions and their hosted page, PaymentIntents, Charges, balance
transactions, refunds, subscriptions, disputes) and posts signed webhooks to registered
endpoints.  ``manage.py run_demo`` runs it beside the site so card gifts work on
127.0.0.1; ``python -m solidarity.demo.stripe_fake`` runs it alone.  It keeps everything
in memory and is never used in production (docs/payments.md).
"""

from .delivery import Delivery, WebhookEndpoint
from .engine import PayOutcome
from .server import RequestRecord, StripeFake
from .signing import signature_header

__all__ = ["Delivery", "PayOutcome", "RequestRecord", "StripeFake", "WebhookEndpoint", "signature_header"]
