"""The contract every payment provider implements.

Plain dataclasses cross the boundary; providers never touch the ledger or the database.
`start_payment` and `refund` call the provider's network and so must never run inside a
database transaction. `parse_webhook` verifies and normalises an incoming event, keeping
only the fields the handlers need — never the payer's identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Protocol

from solidarity.core.errors import DomainError

if TYPE_CHECKING:
    from solidarity.core.money import Money
    from solidarity.donations.models import Donation


class WebhookRejected(DomainError):
    """The request is not a genuine, acceptable event (signature, mode, type, shape)."""

    code = "webhook_rejected"


class ProviderUnavailable(DomainError):
    """The provider could not be reached or refused the request; nothing was changed."""

    code = "provider_unavailable"


@dataclass(frozen=True)
class StartedPayment:
    redirect_url: str
    session_id: str


@dataclass(frozen=True)
class ProviderEventData:
    """A verified provider event, reduced to what the handlers use."""

    provider: str
    event_id: str
    type: str
    donation_id: int | None = None
    pledge_id: int | None = None
    checkout_session_id: str = ""
    payment_intent_id: str = ""
    charge_id: str = ""
    invoice_id: str = ""
    subscription_id: str = ""
    dispute_id: str = ""
    billing_reason: str = ""
    status: str = ""
    amount_minor: int | None = None
    amount_refunded_minor: int | None = None
    currency: str = ""
    fee_minor: int | None = None
    created: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        # Shallow: every field is a plain value but `extra`, a flat dict of strings.
        # (dataclasses.asdict deep-copies recursively: a fifth of a webhook's CPU.)
        return {**{f.name: getattr(self, f.name) for f in fields(self)}, "extra": dict(self.extra)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProviderEventData:
        return cls(**data)


class PaymentProvider(Protocol):
    name: str
    supports_refunds: bool
    supports_recurring: bool

    def start_payment(self, *, donation: Donation, language: str) -> StartedPayment:
        """Create the hosted payment page for a pending donation. Moves no money."""

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEventData:
        """Verify and normalise one event, or raise WebhookRejected."""

    def refund(self, *, donation: Donation, amount: Money | None = None) -> str:
        """Ask the provider to refund (part of) a paid donation; returns the provider's refund id."""
