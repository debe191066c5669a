"""Writes to CardPayment, the card processor's ids for one card donation.

Called by the checkout (the session a donor was sent to) and by the Stripe event
handlers, inside the event's transaction; the handlers themselves write nothing.
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from solidarity.donations.models import Donation
from solidarity.payments.models import CardPayment


def hash_return_token(token: str) -> str:
    """The stored form of a thank-you or cancel token (the token itself is never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def record_checkout_session(
    *, donation: Donation, session_id: str, reference: str = "", thanks_token: str = "", cancel_token: str = ""
) -> CardPayment:
    """The hosted page the donor was sent to, the opaque reference the processor holds for
    it, and the hashes of the donor's single-use ways back (thank-you, cancel)."""
    fields: dict[str, str | None] = {"checkout_session_id": session_id}
    if reference:
        fields["reference"] = reference
    if thanks_token:
        fields["thanks_token_hash"] = hash_return_token(thanks_token)
    if cancel_token:
        fields["cancel_token_hash"] = hash_return_token(cancel_token)
    with transaction.atomic():
        card, _ = CardPayment.objects.update_or_create(donation=donation, defaults=fields)
    return card


def use_return_token(*, token: str, kind: str) -> CardPayment | None:
    """The card payment a thank-you (`kind="thanks"`) or cancel (`kind="cancel"`) token
    opens, once: the token is blanked in the same transaction, so a second use finds
    nothing. None if the token is unknown or used."""
    if not token or kind not in ("thanks", "cancel"):
        return None
    column = f"{kind}_token_hash"
    with transaction.atomic():
        card = (
            CardPayment.objects.select_for_update(of=("self",))
            .filter(**{column: hash_return_token(token)})
            .select_related("donation__campaign")
            .first()
        )
        if card is None:
            return None
        CardPayment.objects.filter(pk=card.pk).update(**{column: None})
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
