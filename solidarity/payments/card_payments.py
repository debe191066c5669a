"""Writes to CardPayment, the card processor's ids for one card donation.

Called by the checkout (the session a donor was sent to) and by the Stripe event
handlers, inside the event's transaction; the handlers themselves write nothing.
"""

from __future__ import annotations

from django.db import transaction

from solidarity.donations.models import Donation
from solidarity.payments.models import CardPayment


def record_checkout_session(*, donation: Donation, session_id: str) -> CardPayment:
    """The hosted page the donor was sent to, so the thank-you page can find the donation."""
    with transaction.atomic():
        card, _ = CardPayment.objects.update_or_create(donation=donation, defaults={"checkout_session_id": session_id})
    return card


def record_card_ids(*, donation: Donation, fee_minor: int | None, ids: dict[str, str]) -> None:
    """The processor's ids (payment intent, charge, invoice) and fee for a settled payment:
    over the row the checkout started (one UPDATE), or a new row (a month of a pledge)."""
    with transaction.atomic():
        if not CardPayment.objects.filter(donation=donation).update(fee_minor=fee_minor, **ids):
            CardPayment.objects.create(donation=donation, fee_minor=fee_minor, **ids)


def record_card_refunded(*, card: CardPayment, refunded_minor: int, charge_id: str) -> None:
    """The processor's running refunded total for this payment (already booked)."""
    card.refunded_minor = refunded_minor
    card.charge_id = card.charge_id or charge_id
    with transaction.atomic():
        card.save(update_fields=["refunded_minor", "charge_id"])


def record_card_dispute(*, card: CardPayment, dispute_id: str, state: str) -> None:
    """Where this payment's dispute stands: "held", "won" or "lost" (already booked)."""
    card.dispute_id = dispute_id
    card.dispute_state = state
    with transaction.atomic():
        card.save(update_fields=["dispute_id", "dispute_state"])
