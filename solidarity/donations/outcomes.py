"""What a payment rail reports about a donation's money, as neutral values.

A payment rail (a provider of the payments app) never changes a donation or posts to the ledger
itself: its event handlers, bank statement matching or back office build one of these
values and hand it to `record_outcome`, which books it through `settlement` — the only
code that moves a donation's money. Each outcome carries its idempotency key (built from
the rail's own ids), so a repeated report books nothing more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from solidarity.core.money import Money
from solidarity.donations import refund_requests, settlement
from solidarity.donations.models import Channel, Donation
from solidarity.donations.services import CHANNEL_ACCOUNTS

if TYPE_CHECKING:
    from solidarity.ledger.models import Transaction


@dataclass(frozen=True)
class PaymentSucceeded:
    """Money for a pending (or expired) donation arrived: `received`, in the donor's currency."""

    donation: Donation
    received: Money
    on: dt.date
    channel: str
    key: str
    fee: Money | None = None  # the processor's fee, the foundation's expense


@dataclass(frozen=True)
class PaymentRefunded:
    """`amount` (donor currency) went back to the donor through the rail."""

    donation: Donation
    amount: Money
    channel: str
    key: str
    on: dt.date | None = None


@dataclass(frozen=True)
class PaymentDisputed:
    """The payer disputed `amount`: it is held out of the fund until the dispute closes."""

    donation: Donation
    amount: Money
    key: str


@dataclass(frozen=True)
class DisputeClosed:
    """A dispute ended; if `lost`, `amount` leaves for good as a chargeback."""

    donation: Donation
    amount: Money
    key: str
    lost: bool


PaymentOutcome = PaymentSucceeded | PaymentRefunded | PaymentDisputed | DisputeClosed


def record_outcome(outcome: PaymentOutcome) -> Transaction:
    """Book what a rail reported and update the donation; returns the ledger transaction.

    Idempotent under the outcome's key. Raises DomainError when the outcome cannot apply
    (a refund of a donation never paid, a dispute with nothing left to hold).
    """
    if isinstance(outcome, PaymentSucceeded):
        return settlement.settle_donation(
            donation=outcome.donation,
            received=outcome.received,
            settled_on=outcome.on,
            asset=CHANNEL_ACCOUNTS[Channel(outcome.channel)],
            key=outcome.key,
            fee=outcome.fee,
        )
    if isinstance(outcome, PaymentRefunded):
        with transaction.atomic():
            txn = settlement.return_money(
                donation=outcome.donation,
                amount=outcome.amount,
                asset=CHANNEL_ACCOUNTS[Channel(outcome.channel)],
                key=outcome.key,
                on=outcome.on,
            )
            # The approved refund request this fulfils (if staff asked for it) is now booked.
            refund_requests.link_booked_refund(donation=outcome.donation, amount=outcome.amount, txn=txn)
        return txn
    if isinstance(outcome, PaymentDisputed):
        return settlement.hold_disputed(donation=outcome.donation, amount=outcome.amount, key=outcome.key)
    return settlement.close_dispute(
        donation=outcome.donation, amount=outcome.amount, key=outcome.key, lost=outcome.lost
    )
