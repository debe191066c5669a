"""Refunds staff ask a rail for; the money is booked when the rail reports it.

The back office's "refund by card" action calls `request_refund`: the rail is asked to
send the money back (outside any transaction), and the refund is booked only when its
event comes back (for Stripe, `charge.refunded` → `donations.outcomes.PaymentRefunded`).
So a refund requested twice, or reported twice, is booked once.
"""

from __future__ import annotations

from typing import Any

from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.donations.models import Donation, DonationStatus
from solidarity.payments.providers.base import RefundNotSupported
from solidarity.payments.providers.registry import provider_for_channel
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit


def request_refund(*, donation: Donation, actor: Any, amount: Money | None = None) -> str:
    """Ask the donation's rail to refund it (in full unless `amount`); returns the rail's refund id.

    Finance staff only; the request is audited. DomainError if the donation is not a paid
    one of a rail that refunds by itself, or the rail refuses.
    """
    require_role(actor, Role.FINANCE)
    if donation.status != DonationStatus.PAID:
        raise DomainError("only a paid donation can be refunded")
    provider = provider_for_channel(donation.channel)
    if not provider.supports_refund:
        raise RefundNotSupported(f"the {provider.name} rail cannot refund by itself; reverse the donation instead")
    refund_id = provider.refund(donation=donation, amount=amount)
    record_audit(actor=actor, action="donation.refund_requested", target=donation, refund=refund_id)
    return refund_id
