"""Pytest fixtures for the Stripe fakes; register them from the top-level conftest.

    # tests/conftest.py
    pytest_plugins = ["tests.stripe_fake.fixtures"]

(``from tests.stripe_fake.fixtures import *`` works too.)  The marker
PYTEST_DONT_REWRITE keeps pytest from warning when this module is imported
before it is registered as a plugin; it holds no asserts to rewrite.

Servers are session-scoped (starting threads or a subprocess per test would be
slow); the function-scoped fixtures reset their state first so tests stay
independent.  Nothing here needs the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import stripe

from solidarity.demo.stripe_fake.delivery import Handler
from solidarity.demo.stripe_fake.server import StripeFake

from .localstripe_harness import LocalStripe
from .receiver import WebhookReceiver

__all__ = [
    "FakeStripeSDK",
    "django_client_handler",
    "localstripe",
    "localstripe_server",
    "stripe_client",
    "stripe_fake",
    "stripe_fake_server",
    "stripe_sdk",
    "webhook_receiver",
]


@pytest.fixture(scope="session")
def stripe_fake_server() -> Iterator[StripeFake]:
    """One fake for the whole run; use ``stripe_fake`` in tests for a clean slate."""
    fake = StripeFake().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def stripe_fake(stripe_fake_server: StripeFake) -> Iterator[StripeFake]:
    """The shared fake, reset (objects, events, endpoints, faults) before each test."""
    stripe_fake_server.reset()
    yield stripe_fake_server
    stripe_fake_server.set_delay(0)
    stripe_fake_server.fail_next(0)


@dataclass
class FakeStripeSDK:
    """How the SDK was pointed at the fake, plus a ``StripeClient`` factory."""

    fake: StripeFake
    api_key: str
    api_base: str

    def client(self, max_network_retries: int = 0, **kwargs: Any) -> stripe.StripeClient:
        """``StripeClient(api_key, base_addresses={"api": fake.url})``; retries off unless asked."""
        return stripe.StripeClient(
            self.api_key,
            base_addresses={"api": self.api_base},
            max_network_retries=max_network_retries,
            **kwargs,
        )


@pytest.fixture
def stripe_sdk(stripe_fake: StripeFake, monkeypatch: pytest.MonkeyPatch) -> FakeStripeSDK:
    """Points the global SDK config (``stripe.api_base``, ``stripe.api_key``) at the fake for one test.

    Retries are switched off globally so a fault test sees the first answer;
    monkeypatch restores every setting afterwards.
    """
    monkeypatch.setattr(stripe, "api_base", stripe_fake.url)
    monkeypatch.setattr(stripe, "api_key", stripe_fake.api_key)
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    return FakeStripeSDK(stripe_fake, stripe_fake.api_key, stripe_fake.url)


@pytest.fixture
def stripe_client(stripe_sdk: FakeStripeSDK) -> stripe.StripeClient:
    """A ``StripeClient`` bound to the fake (no retries)."""
    return stripe_sdk.client()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A local endpoint that records signed POSTs; register it with ``add_webhook_endpoint``."""
    receiver = WebhookReceiver()
    try:
        yield receiver
    finally:
        receiver.close()


@pytest.fixture(scope="session")
def localstripe_server() -> Iterator[LocalStripe]:
    """localstripe in a subprocess on 127.0.0.1; skipped when the package is not installed."""
    pytest.importorskip("localstripe", reason="localstripe is not installed")
    server = LocalStripe().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def localstripe(localstripe_server: LocalStripe) -> LocalStripe:
    """The shared localstripe with every object and webhook forgotten."""
    localstripe_server.reset()
    return localstripe_server


def django_client_handler(client: Any, path: str = "/payments/stripe/webhook/") -> Handler:
    """A webhook ``handler`` that posts each event through Django's test ``client``.

    Use it with ``stripe_fake.set_auto_deliver(False)`` and
    ``stripe_fake.deliver_pending()`` so the view runs in the test's thread and
    sees the test's database transaction (a live server thread would not):

        stripe_fake.set_auto_deliver(False)
        stripe_fake.add_webhook_endpoint(handler=django_client_handler(client), secret=settings_secret)
        ...
        stripe_fake.deliver_pending()
    """

    def post(body: bytes, headers: dict[str, str]) -> int:
        response = client.post(
            path, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"]
        )
        return int(response.status_code)

    return post


def serve_site_through(stripe_fake: StripeFake, settings: Any, client: Any, secret: str) -> StripeFake:
    """Point the site's Stripe settings at the fake and deliver its webhooks through ``client``
    (a Django test client), on demand with ``deliver_pending()``, in the test's thread."""
    settings.STRIPE_SECRET_KEY = stripe_fake.api_key
    settings.STRIPE_API_BASE = stripe_fake.url
    settings.STRIPE_WEBHOOK_SECRETS = [secret]
    settings.SOLIDARITY_PUBLIC_URL = "http://127.0.0.1"
    stripe_fake.set_auto_deliver(False)
    stripe_fake.add_webhook_endpoint(handler=django_client_handler(client), secret=secret)
    return stripe_fake
