"""Which payment rails this site runs: the one place that lists them.

Like Saleor's PLUGINS setting or pretix's `register_payment_providers`, a rail is a
dotted path to its provider class. `SOLIDARITY_PAYMENT_PROVIDERS` (a setting, optional)
replaces the default list; adding a rail means adding its package and one line here
(see docs/payments.md, "Adding a rail"). Everything else — the donate page, webhooks,
refunds, monthly gifts — asks the registry instead of naming a provider class.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from solidarity.core.errors import DomainError
from solidarity.payments.providers.base import PaymentProvider, RecurringPaymentProvider

DEFAULT_PROVIDERS = (
    "solidarity.payments.providers.stripe.StripeProvider",
    "solidarity.payments.providers.bank_transfer.BankTransferProvider",
    "solidarity.payments.providers.staff_recorded.StaffRecordedProvider",
)


class UnknownProvider(DomainError):
    """No registered rail has this name, or serves this channel."""

    code = "unknown_provider"


@cache
def _load(paths: tuple[str, ...]) -> tuple[PaymentProvider, ...]:
    providers: list[PaymentProvider] = [import_string(path)() for path in paths]
    names = [p.name for p in providers]
    channels = [c for p in providers for c in p.channels]
    if len(set(names)) != len(names) or len(set(channels)) != len(channels):
        raise ValueError(f"Two payment providers share a name or a channel: {names}, {channels}.")
    return tuple(providers)


def registered_providers() -> tuple[PaymentProvider, ...]:
    """Every rail this site runs, in the configured order (providers are stateless, built once)."""
    return _load(tuple(getattr(settings, "SOLIDARITY_PAYMENT_PROVIDERS", DEFAULT_PROVIDERS)))


def get_provider(name: str) -> PaymentProvider:
    """The rail named `name` ("stripe", "bank_transfer", "staff")."""
    for provider in registered_providers():
        if provider.name == name:
            return provider
    raise UnknownProvider(f"No payment provider named {name!r} is registered.")


def provider_for_channel(channel: str) -> PaymentProvider:
    """The rail that serves a donation channel ("card", "bank_transfer", "cash", …)."""
    for provider in registered_providers():
        if channel in provider.channels:
            return provider
    raise UnknownProvider(f"No payment provider serves the {channel!r} channel.")


def recurring_provider(channel: str) -> RecurringPaymentProvider:
    """The rail of `channel`, which must collect monthly gifts by itself."""
    provider = provider_for_channel(channel)
    if not provider.supports_recurring:
        raise UnknownProvider(f"The {provider.name} rail does not collect monthly gifts.")
    return provider  # type: ignore[return-value]  # supports_recurring promises the methods
