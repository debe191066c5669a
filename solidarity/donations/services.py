"""Writes for donations: staff-recorded gifts and their reversal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.campaigns.funds import campaign_fund, campaign_owner, lock_campaign, require_fund_covers
from solidarity.campaigns.models import Campaign, CampaignStatus
from solidarity.core.errors import CurrencyMismatch, DomainError, InvalidAmount, InvalidTransition
from solidarity.core.formatting import stored_label
from solidarity.core.money import Money
from solidarity.donations.models import STAFF_CHANNELS, Channel, Donation, DonationStatus
from solidarity.donations.receipts import hash_receipt_code, new_receipt_code
from solidarity.donations.supporters import forget_campaign_pages
from solidarity.ledger.models import AccountPurpose, Transaction, TransactionKind
from solidarity.ledger.services import get_account, post_transaction, reverse_transaction
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit

CHANNEL_ACCOUNTS = {
    Channel.CARD: AccountPurpose.CARD_PROCESSOR,
    Channel.BANK_TRANSFER: AccountPurpose.BANK,
    Channel.CASH: AccountPurpose.CASH,
    Channel.OTHER_PLATFORM: AccountPurpose.OTHER_PLATFORM,
    Channel.OTHER: AccountPurpose.CASH,
}
ACCEPTING_STATUSES = (CampaignStatus.ACTIVE, CampaignStatus.CLOSED, CampaignStatus.REPORTED)


@dataclass(frozen=True)
class RecordedDonation:
    donation: Donation
    receipt_code: str  # shown once, never stored


def max_donation(currency: str) -> Money:
    limit = settings.SOLIDARITY_MAX_DONATION_BY_CURRENCY.get(currency, settings.SOLIDARITY_MAX_DONATION)
    return Money(limit, currency)


def validate_donation_amount(amount: Money) -> None:
    """Raise InvalidAmount unless 0 < amount ≤ the configured maximum for its currency."""
    if not amount.is_positive():
        raise InvalidAmount(_("A donation must be more than zero."))
    limit = max_donation(amount.currency)
    if amount > limit:
        raise InvalidAmount(_("A single donation cannot exceed %(maximum)s.") % {"maximum": limit})


def record_staff_donation(
    *,
    campaign: Campaign,
    amount: Money,
    channel: str,
    actor: Any,
    received_on: dt.date | None = None,
    public_name: str = "",
    message: str = "",
    show_amount: bool = False,
) -> RecordedDonation:
    """Record money received outside the site (cash, a transfer, another platform).

    Posts the ledger transaction (channel account → campaign fund) and returns the new
    donation with its receipt code, which exists only in the return value.
    """
    require_role(actor, Role.FINANCE)
    validate_donation_amount(amount)
    if channel not in STAFF_CHANNELS:
        raise DomainError(
            _("Staff cannot record donations through the %(channel)s channel.") % {"channel": repr(channel)}
        )
    if amount.currency != campaign.currency:
        raise CurrencyMismatch(
            _("This campaign collects in %(currency)s; record the amount received in %(currency)s.")
            % {"currency": campaign.currency}
        )
    if campaign.status not in ACCEPTING_STATUSES:
        raise InvalidTransition(
            _("A campaign that is %(status)s cannot receive donations.")
            % {"status": campaign.get_status_display().lower()}
        )
    received_on = received_on or timezone.localdate()
    code = new_receipt_code()
    with transaction.atomic():
        donation = Donation.objects.create(
            campaign=campaign,
            amount_minor=amount.minor,
            currency=amount.currency,
            channel=channel,
            status=DonationStatus.PAID,
            public_name=public_name.strip()[:80],
            message=message.strip()[:500],
            show_amount=show_amount,
            receipt_code_hash=hash_receipt_code(code),
            received_on=received_on,
            recorded_by=actor,
        )
        donation.ledger_transaction = post_transaction(
            kind=TransactionKind.DONATION,
            owner=campaign_owner(campaign),
            occurred_on=received_on,
            created_by=actor,
            memo=f"{stored_label(Channel(channel).label)} donation",
            ref=f"donation:{donation.pk}",
            lines=[
                (get_account(purpose=CHANNEL_ACCOUNTS[Channel(channel)], currency=amount.currency), amount),
                (campaign_fund(campaign), -amount),
            ],
        )
        donation.save(update_fields=["ledger_transaction"])
        record_audit(
            actor=actor,
            action="donation.record",
            target=donation,
            amount=str(amount),
            channel=channel,
            campaign=campaign.slug,
        )
        forget_campaign_pages(campaign)  # the total, and a named gift, show at once
    return RecordedDonation(donation=donation, receipt_code=code)


def reversal_amount(donation: Donation) -> Money:
    """What reversing the donation takes out of its campaign's fund (the credit its transaction made)."""
    txn = donation.ledger_transaction
    if txn is None:
        return Money.zero(donation.campaign.currency)
    credited = sum(p.amount_minor for p in txn.postings.filter(account__purpose=AccountPurpose.CAMPAIGN_FUND))
    return Money.from_minor(-credited, donation.campaign.currency)


def reverse_donation(*, donation: Donation, actor: Any, reason: str) -> Donation:
    """Take a paid donation back out of the campaign with a reversing transaction.

    The booking step of an approved reversal request (`refund_requests`); people reach it
    only through a request and a second person's approval. Refused (InsufficientFunds)
    when the fund no longer holds what the donation brought.
    """
    require_role(actor, Role.FINANCE)
    if not reason.strip():
        raise DomainError(_("Say why the donation is reversed."))
    with transaction.atomic():
        lock_campaign(donation.campaign)
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        if locked.status != DonationStatus.PAID or locked.ledger_transaction is None:
            raise InvalidTransition(_("Only a paid donation can be reversed."))
        require_fund_covers(locked.campaign, reversal_amount(locked), what=_("This reversal"))
        reverse_transaction(original=locked.ledger_transaction, memo=f"Reversal: {reason}"[:200], created_by=actor)
        locked.status = DonationStatus.REVERSED
        locked.save(update_fields=["status"])
        record_audit(actor=actor, action="donation.reverse", target=locked, reason=reason, amount=str(locked.money))
    donation.refresh_from_db()
    return donation


def undo_bank_settlement(*, donation: Donation, settled_by: Transaction, actor: Any, reason: str) -> Transaction:
    """A bank line was matched to the wrong donation: reverse its booking and make it pending again.

    Not an outflow (the money is still in the bank account, the line goes back to the review
    queue), so one finance person may do it, with a reason, audited. Refused when the
    donation is no longer paid by exactly that transaction, or when the campaign's fund no
    longer holds what the match brought (it was paid out or refunded since). Returns the
    reversing transaction.
    """
    require_role(actor, Role.FINANCE)
    if not reason.strip():
        raise DomainError(_("Say why the match was wrong."))
    with transaction.atomic():
        lock_campaign(donation.campaign)
        locked = Donation.objects.select_for_update().select_related("campaign").get(pk=donation.pk)
        if locked.status != DonationStatus.PAID or locked.ledger_transaction_id != settled_by.pk:
            raise InvalidTransition(
                _("Donation #%(id)s is no longer paid by this transfer; its match cannot be undone.")
                % {"id": locked.pk}
            )
        require_fund_covers(locked.campaign, reversal_amount(locked), what=_("Undoing this match"))
        reversal = reverse_transaction(
            original=settled_by, memo=f"Wrong bank match undone: {reason}"[:200], created_by=actor
        )
        locked.status = DonationStatus.PENDING
        locked.ledger_transaction = None
        locked.received_on = None
        locked.expires_at = timezone.now() + dt.timedelta(days=settings.SOLIDARITY_BANK_TRANSFER_DAYS)
        locked.save(update_fields=["status", "ledger_transaction", "received_on", "expires_at"])
        record_audit(
            actor=actor,
            action="donation.undo_bank_match",
            target=locked,
            reason=reason.strip(),
            reversal=reversal.pk,
            amount=str(locked.money),
        )
    donation.refresh_from_db()
    return reversal
