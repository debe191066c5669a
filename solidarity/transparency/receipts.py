"""What a receipt code proves: a donation's status and its entry in the signed public log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from solidarity.campaigns.models import Campaign
from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.donations.models import Channel, Donation, DonationStatus
from solidarity.donations.receipts import hash_receipt_code
from solidarity.publiclog.selectors import InclusionProof, inclusion_proof_for_transaction


@dataclass(frozen=True)
class ReceiptStatus:
    found: bool
    status: str = ""
    counted: bool = False
    campaign: Campaign | None = None
    amount: Money | None = None
    day: dt.date | None = None
    proof: InclusionProof | None = None  # the donation's entry in the signed public log
    # A bank transfer still awaited: its reference and the last day it is valid.
    reference: str = ""
    expires_on: dt.date | None = None
    standing: bool = False  # the first month of a standing order: its reference never expires

    @property
    def awaiting_transfer(self) -> bool:
        return self.status == DonationStatus.PENDING and bool(self.reference)


def receipt_status(code: str) -> ReceiptStatus:
    """What a receipt code proves: whether the donation is counted, where, how much, which day.
    Nothing about who gave it."""
    donation = Donation.objects.filter(receipt_code_hash=hash_receipt_code(code)).select_related("campaign").first()
    if donation is None:
        return ReceiptStatus(found=False)
    proof = None
    if donation.ledger_transaction_id:
        try:
            proof = inclusion_proof_for_transaction(donation.ledger_transaction_id)
        except DomainError:
            proof = None  # not sealed into a signed checkpoint yet
    return ReceiptStatus(
        found=True,
        proof=proof,
        status=donation.status,
        counted=donation.status == "paid",
        campaign=donation.campaign,
        amount=donation.money,
        day=donation.received_on,
        reference=(donation.bank_reference or "") if donation.status == DonationStatus.PENDING else "",
        expires_on=timezone.localdate(donation.expires_at) if donation.expires_at else None,
        standing=donation.pledge_id is not None and donation.channel == Channel.BANK_TRANSFER,
    )
