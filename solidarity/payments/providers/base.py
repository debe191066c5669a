"""The contract every payment rail implements, and what crosses it.

A rail (Stripe Checkout, bank transfer, staff-recorded, later PayPal or crypto) is one
class that satisfies `PaymentProvider` and is listed in the registry
(`solidarity.payments.providers.registry`). Its contract:

- Plain dataclasses cross the boundary. A provider never touches the ledger or the
  database, and never changes a donation: what happened to a payment is reported to the
  donation services as a neutral outcome (`solidarity.donations.outcomes`: payment
  succeeded, refunded, disputed, dispute closed) by the rail's event handlers.
- `start_payment` and `refund` may call the provider's network and so must never run
  inside a database transaction. `start_payment` moves no money.
- `parse_webhook` verifies and normalises an incoming event, keeping only the fields the
  handlers need — never the payer's identity — or raises WebhookRejected (a rail that
  receives no webhooks rejects every one); MalformedEvent when the event is genuine but
  its fields cannot be used (the webhook stores it as failed).
- `refund` raises RefundNotSupported when `supports_refund` is False; otherwise it asks
  the provider to send (part of) a paid donation back and returns the provider's refund
  id. The refund is booked only when the provider reports it (an outcome), never here.
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


class MalformedEvent(WebhookRejected):
    """A genuine (signed) event whose fields cannot be used: wrong types, a missing id, an
    unknown currency, an amount out of range. The webhook stores it as *failed* with the
    reason, for staff to see, and acknowledges it: delivering it again would not mend it."""

    code = "malformed_event"

    def __init__(self, message: str, *, event_id: str, type: str) -> None:
        super().__init__(message)
        self.event_id = event_id
        self.type = type


class ProviderUnavailable(DomainError):
    """The provider could not be reached or refused the request; nothing was changed."""

    code = "provider_unavailable"


class RefundNotSupported(DomainError):
    """This rail cannot send money back by itself (staff refund it outside and reverse)."""

    code = "refund_not_supported"


@dataclass(frozen=True)
class StartedPayment:
    """Where the donor goes next: a hosted page (`redirect_url`), or nowhere (empty) when
    the rail's instructions are shown on our own page (a bank transfer). `session_id` is
    the provider's id for this attempt (a Checkout Session), or our own reference."""

    redirect_url: str = ""
    session_id: str = ""
    # What a hosted page's rail holds of ours (see payments.card_payments): a random
    # reference for the webhooks, and the donor's single-use tokens back to our pages.
    reference: str = ""
    thanks_token: str = ""
    cancel_token: str = ""


@dataclass(frozen=True)
class ProviderEventData:
    """A verified provider event, reduced to what the handlers use."""

    provider: str
    event_id: str
    type: str
    # The random reference we gave the processor; donation_id and pledge_id are only read
    # from events about payments started before references existed (see stripe_handlers).
    reference: str = ""
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
    """One payment rail. Capabilities are class attributes the pages and services ask."""

    name: str  # unique, stable: stored with every event ("stripe")
    channels: tuple[str, ...]  # the donation channels this rail serves (donations.Channel values)
    supports_refund: bool
    supports_recurring: bool
    receives_webhooks: bool

    def start_payment(self, *, donation: Donation, language: str) -> StartedPayment:
        """Begin paying a pending donation of one of `channels`. Moves no money."""

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEventData:
        """Verify and normalise one event, or raise WebhookRejected."""

    def refund(self, *, donation: Donation, amount: Money | None = None) -> str:
        """Ask the provider to refund (part of) a paid donation; returns the provider's refund id."""


class RecurringPaymentProvider(PaymentProvider, Protocol):
    """A rail with `supports_recurring`: monthly gifts it collects by itself."""

    def cancel_subscription(self, *, subscription_id: str) -> None:
        """Stop collecting a monthly gift. Raises ProviderUnavailable if it cannot."""

    def change_subscription_amount(self, *, subscription_id: str, amount: Money) -> None:
        """Collect `amount` from the next month on. Raises ProviderUnavailable if it cannot."""
