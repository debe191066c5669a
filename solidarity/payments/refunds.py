"""Approving a refund request: the second person's yes, then the rail's part.

A refund is asked for in donations (`refund_requests.request_refund`) and approved here,
because only payments knows which rail can send money back by itself. For such a rail (the
card processor) the approval commits first, then the rail is asked (outside any database
transaction) and the refund is booked only when its event comes back (for Stripe,
`charge.refunded` → `donations.outcomes.PaymentRefunded`); a refund asked for twice, or
reported twice, is booked once. For the other rails (bank transfer, cash, other
platforms) staff send the money back themselves, and the approval books it at once.
"""

from __future__ import annotations

from typing import Any

from solidarity.core.errors import DomainError
from solidarity.donations.models import RefundKind, RefundRequest
from solidarity.donations.refund_requests import approve_refund, mark_refund_failed, mark_refund_sent
from solidarity.payments.providers.registry import provider_for_channel


def approve_refund_request(*, refund_request: RefundRequest, actor: Any) -> RefundRequest:
    """Approve a refund request as the second person, and carry it out.

    Finance staff only, not the person who asked (NotAllowed); a request already decided
    → InvalidTransition; a fund that no longer holds it → InsufficientFunds. When the card
    processor refuses, the request is marked failed and ProviderUnavailable is raised.
    Call it outside any transaction: it may talk to the processor.
    """
    donation = refund_request.donation
    provider = provider_for_channel(donation.channel)
    by_rail = provider.supports_refund and refund_request.kind == RefundKind.REFUND
    approved = approve_refund(refund_request=refund_request, actor=actor, book=not by_rail)
    if not by_rail:
        return approved
    try:
        refund_id = provider.refund(donation=approved.donation, amount=approved.money)
    except DomainError as exc:
        mark_refund_failed(refund_request=approved, message=str(exc))
        raise
    return mark_refund_sent(refund_request=approved, provider_refund_id=refund_id)
