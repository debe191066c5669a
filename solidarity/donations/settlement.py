"""Money arriving for online donations, and leaving again (refunds, disputes).

Each function books one balanced ledger transaction (or two, atomically) and updates the
donation. Each is idempotent under its external key, so a provider's retries and
out-of-order deliveries converge on the same ledger. Every transaction about a donation
carries `ref="donation:<id>"`, which is how refunds and disputes find what was paid.

A campaign fund never goes below zero (docs/ledger.md). Outflows a person starts are
refused before they get here (`refund_requests`); what a rail reports and nobody chose —
a dispute hold or a chargeback larger than what is left in the fund — takes what the fund
holds and the rest from the foundation's reserve, shown as such on the transparency pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction

from solidarity.campaigns.funds import (
    campaign_disputed,
    campaign_fund,
    campaign_owner,
    foundation_reserve,
    fund_balance,
    lock_campaign,
)
from solidarity.campaigns.models import Campaign
from solidarity.core.errors import DomainError
from solidarity.core.formatting import stored_label
from solidarity.core.money import Money
from solidarity.donations.intents import new_pledge_donation
from solidarity.donations.models import Channel, Donation, DonationStatus, Pledge, PledgeStatus
from solidarity.donations.supporters import forget_campaign_pages, is_public_entry
from solidarity.ledger.models import Account, AccountPurpose, Transaction, TransactionKind
from solidarity.ledger.selectors import posted_sum
from solidarity.ledger.services import find_transaction, get_account, post_transaction
from solidarity.rates.exchange import convert

Line = tuple[Account, Money]
SETTLED_FIELDS = ["status", "amount_minor", "currency", "ledger_transaction", "received_on", "expires_at"]


def donation_ref(donation: Donation) -> str:
    return f"donation:{donation.pk}"


def _fund_sum(donation: Donation, *kinds: str) -> int:
    return posted_sum(ref=donation_ref(donation), purpose=AccountPurpose.CAMPAIGN_FUND, kinds=kinds)


def _through_fx(*, rail: Account, donor_side: Money, campaign_side: Money, fund: Account, sign: int) -> list[Line]:
    """Lines moving money between a rail account and the fund, through FX when currencies differ.

    sign=+1: money in (rail debited, fund credited); sign=-1: money out.
    """
    if donor_side.currency == campaign_side.currency:
        return [(rail, donor_side if sign > 0 else -donor_side), (fund, -campaign_side if sign > 0 else campaign_side)]
    fx_donor = get_account(purpose=AccountPurpose.FX, currency=donor_side.currency)
    fx_campaign = get_account(purpose=AccountPurpose.FX, currency=campaign_side.currency)
    if sign > 0:
        return [(rail, donor_side), (fx_donor, -donor_side), (fx_campaign, campaign_side), (fund, -campaign_side)]
    return [(fund, campaign_side), (fx_campaign, -campaign_side), (fx_donor, donor_side), (rail, -donor_side)]


def lock_donation(*, donation_id: int) -> Donation:
    """The donation, read fresh and locked until the caller's transaction ends.

    Two reports of one payment (Stripe's `checkout.session.completed` and
    `payment_intent.succeeded`, delivered at the same moment) must take turns: the second
    waits here, then finds the donation paid, instead of both seeing it pending and the
    second failing in `settle_donation`. Only this row is locked, never its campaign.
    """
    return Donation.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=donation_id)


def _out_of_fund(campaign: Campaign, out: Money) -> list[Line]:
    """Debit lines taking `out` (campaign currency) out of the fund: what it holds, the rest from the reserve.

    Call with the campaign locked (`lock_campaign`), so the balance read stays true until commit.
    """
    held = fund_balance(campaign)
    available = held if held.is_positive() else Money.zero(out.currency)
    from_fund = out if out <= available else available
    lines: list[Line] = []
    if from_fund.is_positive():
        lines.append((campaign_fund(campaign), from_fund))
    shortfall = out - from_fund
    if shortfall.is_positive():
        lines.append((foundation_reserve(campaign.currency), shortfall))
    return lines


def _swap_fund_line(lines: list[Line], fund: Account, replacement: list[Line]) -> list[Line]:
    out: list[Line] = []
    for account, money in lines:
        out.extend(replacement if account.pk == fund.pk else [(account, money)])
    return out


def settle_donation(
    *, donation: Donation, received: Money, settled_on: dt.date, asset: str, key: str, fee: Money | None = None
) -> Transaction:
    """Book money received for a pending (or expired) donation and mark it paid.

    `received` is what actually arrived, in the donor's currency; it becomes the donation's
    amount (a transfer may be under or over the pledge). A donation in another currency
    than the campaign's is converted at the settlement day's reference rate, and the rate
    and its source are kept on the transaction. A known fee is the foundation's expense:
    it does not reduce what the campaign collected.
    """
    existing = find_transaction(key)
    if existing is not None:
        return existing
    campaign = donation.campaign
    conversion = convert(received, campaign.currency, day=settled_on)
    rail = get_account(purpose=asset, currency=received.currency)
    lines = _through_fx(
        rail=rail, donor_side=received, campaign_side=conversion.target, fund=campaign_fund(campaign), sign=1
    )
    if fee is not None and fee.is_positive():
        lines += [
            (get_account(purpose=AccountPurpose.FEES, currency=fee.currency), fee),
            (get_account(purpose=asset, currency=fee.currency), -fee),
        ]
    converted = conversion.source.currency != conversion.target.currency
    try:
        with transaction.atomic():
            locked = Donation.objects.select_for_update().get(pk=donation.pk)
            if locked.status not in (DonationStatus.PENDING, DonationStatus.EXPIRED):
                raise DomainError(f"Donation #{locked.pk} is {locked.status}, not pending.")
            txn = post_transaction(
                kind=TransactionKind.DONATION,
                owner=campaign_owner(campaign),
                lines=lines,
                occurred_on=settled_on,
                memo=f"{stored_label(Channel(locked.channel).label)} donation",
                idempotency_key=key,
                ref=donation_ref(locked),
                fx_rate=str(conversion.rate) if converted else "",
                fx_source=f"{conversion.rate_source} {conversion.rate_day}" if converted else "",
            )
            locked.status = DonationStatus.PAID
            locked.amount_minor = received.minor
            locked.currency = received.currency
            locked.ledger_transaction = txn
            locked.received_on = settled_on
            locked.expires_at = None
            locked.save(update_fields=SETTLED_FIELDS)
            if is_public_entry(locked):  # a named gift: its supporters list shows it at once
                forget_campaign_pages(campaign)
            if locked.pledge_id is not None:  # a standing order's first transfer makes it active
                Pledge.objects.filter(
                    pk=locked.pledge_id, status=PledgeStatus.PENDING, channel=Channel.BANK_TRANSFER
                ).update(status=PledgeStatus.ACTIVE)
    except IntegrityError:
        existing = find_transaction(key)
        if existing is None:
            raise
        return existing  # a concurrent delivery of the same event won the race
    for name in SETTLED_FIELDS:  # what was just saved, without reading the row again
        setattr(donation, name, getattr(locked, name))
    return txn


def standing_order_donation(*, references: list[str]) -> Donation | None:
    """The next month of the standing order (a bank-transfer pledge) whose reference a
    transfer quotes, once its earlier months are settled: a new pending donation of the
    pledge, for the caller to settle with that transfer. None when no standing order has
    any of these references. The reference never expires, and a pledge the donor stopped
    here still takes what their bank keeps sending: the money is the campaign's."""
    pledge = (
        Pledge.objects.filter(bank_reference__in=references, channel=Channel.BANK_TRANSFER)
        .select_related("campaign")
        .order_by("id")
        .first()
    )
    return new_pledge_donation(pledge) if pledge is not None else None


def _rate(donation: Donation) -> Decimal | None:
    txn = donation.ledger_transaction
    return Decimal(txn.fx_rate) if txn is not None and txn.fx_rate else None


def return_money(
    *,
    donation: Donation,
    amount: Money,
    asset: str,
    key: str,
    kind: str = TransactionKind.REFUND,
    on: dt.date | None = None,
) -> Transaction:
    """Book money going back to the donor (a refund, or a lost dispute as a chargeback).

    The campaign side is converted at the donation's own rate; when the whole rest goes
    back, it is exactly what is left of the original credit, so no rounding residue stays.
    """
    existing = find_transaction(key)
    if existing is not None:
        return existing
    if donation.ledger_transaction is None:
        raise DomainError(f"Donation #{donation.pk} was never paid; there is nothing to return.")
    campaign = donation.campaign
    already_donor = returned_to_donor(donation, asset)
    if amount.minor + already_donor > donation.amount_minor:
        raise DomainError(
            f"Cannot return {amount}: only {donation.money} was given and "
            f"{Money.from_minor(already_donor, amount.currency)} returned."
        )
    full = amount.minor + already_donor == donation.amount_minor
    back = campaign_side(donation, amount, asset)
    rail = get_account(purpose=asset, currency=amount.currency)
    fund = campaign_fund(campaign)
    with transaction.atomic():
        lock_campaign(campaign)
        lines = _swap_fund_line(
            _through_fx(rail=rail, donor_side=amount, campaign_side=back, fund=fund, sign=-1),
            fund,
            _out_of_fund(campaign, back),
        )
        txn = post_transaction(
            kind=kind,
            owner=campaign_owner(campaign),
            lines=lines,
            idempotency_key=key,
            ref=donation_ref(donation),
            occurred_on=on,
            memo="Chargeback" if kind == TransactionKind.CHARGEBACK else "Refund",
        )
        if full:
            Donation.objects.filter(pk=donation.pk).update(status=DonationStatus.REFUNDED)
    return txn


def campaign_side(donation: Donation, amount: Money, asset: str) -> Money:
    """`amount` (donor currency) in the campaign currency at the donation's own rate.

    When it is everything not yet returned, it is exactly what is left of the original
    credit, so no rounding residue stays in the fund.
    """
    campaign = donation.campaign
    if amount.minor == donation.amount_minor - returned_to_donor(donation, asset):
        credited = -_fund_sum(donation, TransactionKind.DONATION)
        returned = _fund_sum(donation, TransactionKind.REFUND, TransactionKind.CHARGEBACK)
        return Money.from_minor(credited - returned, campaign.currency)
    day = donation.received_on or dt.date.today()
    return convert(amount, campaign.currency, day=day, rate=_rate(donation)).target


def held_in_dispute(donation: Donation) -> Money:
    campaign = donation.campaign
    total = posted_sum(ref=donation_ref(donation), purpose=AccountPurpose.DISPUTED)
    return Money.from_minor(-total, campaign.currency)


def held_from_reserve(donation: Donation) -> Money:
    """What the foundation's reserve put into a dispute hold of this donation (and gets back on release)."""
    campaign = donation.campaign
    total = posted_sum(ref=donation_ref(donation), purpose=AccountPurpose.RESERVE, kinds=[TransactionKind.DISPUTE])
    return Money.from_minor(total, campaign.currency)


def hold_disputed(*, donation: Donation, amount: Money, key: str) -> Transaction:
    """A card payment is disputed: the disputed amount leaves the fund until the dispute closes.

    If the fund holds less (the money was already paid out), the foundation's reserve
    holds the shortfall: the fund never goes below zero.
    """
    existing = find_transaction(key)
    if existing is not None:
        return existing
    if donation.ledger_transaction is None:
        raise DomainError(f"Donation #{donation.pk} was never paid; there is nothing to hold.")
    campaign = donation.campaign
    held = campaign_side(donation, amount, AccountPurpose.CARD_PROCESSOR)
    if not held.is_positive():
        raise DomainError(f"Donation #{donation.pk} has nothing left to hold.")
    disputed = campaign_disputed(campaign)
    with transaction.atomic():
        lock_campaign(campaign)
        return post_transaction(
            kind=TransactionKind.DISPUTE,
            owner=campaign_owner(campaign),
            lines=[*_out_of_fund(campaign, held), (disputed, -held)],
            idempotency_key=key,
            ref=donation_ref(donation),
            memo="Dispute: funds held",
        )


def close_dispute(*, donation: Donation, amount: Money, key: str, lost: bool) -> Transaction:
    """Release held money back to the fund; if the dispute was lost, `amount` then leaves as a chargeback."""
    existing = find_transaction(key)
    if existing is not None:
        return existing
    campaign = donation.campaign
    held = held_in_dispute(donation)
    if not held.is_positive():
        raise DomainError(f"Donation #{donation.pk} has no money held in a dispute.")
    disputed = campaign_disputed(campaign)
    # What the reserve put into the hold goes back to the reserve, the rest to the fund.
    from_reserve = held_from_reserve(donation)
    to_fund = held - from_reserve
    back: list[Line] = [(campaign_fund(campaign), -to_fund)] if to_fund.is_positive() else []
    if from_reserve.is_positive():
        back.append((foundation_reserve(campaign.currency), -from_reserve))
    with transaction.atomic():
        lock_campaign(campaign)
        release = post_transaction(
            kind=TransactionKind.DISPUTE,
            owner=campaign_owner(campaign),
            lines=[(disputed, held), *back],
            idempotency_key=key,
            ref=donation_ref(donation),
            memo="Dispute closed: funds released",
        )
        if lost:
            return_money(
                donation=donation,
                amount=amount,
                asset=AccountPurpose.CARD_PROCESSOR,
                key=f"{key}:chargeback",
                kind=TransactionKind.CHARGEBACK,
            )
    return release


def returned_to_donor(donation: Donation, asset: str) -> int:
    """Minor units (donor currency) already sent back to the donor through the rail's account."""
    return -posted_sum(
        ref=donation_ref(donation),
        purpose=asset,
        kinds=[TransactionKind.REFUND, TransactionKind.CHARGEBACK],
        currency=donation.currency,
    )
