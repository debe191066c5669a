"""Reads derived from the ledger: balances and campaign totals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Sum

from solidarity.core.money import Money
from solidarity.ledger.models import Account, AccountPurpose, Posting, Transaction, TransactionKind

if TYPE_CHECKING:
    from solidarity.campaigns.models import Campaign

# Transactions that bring money into a campaign (or take it back out again, negatively).
INFLOW_KINDS = [TransactionKind.DONATION, TransactionKind.REFUND, TransactionKind.CHARGEBACK, TransactionKind.FX]
INFLOW = Q(transaction__kind__in=INFLOW_KINDS) | Q(
    transaction__kind=TransactionKind.REVERSAL, transaction__reverses__kind__in=INFLOW_KINDS
)
# A donation counts until it is reversed (a refund or chargeback does not uncount it).
COUNTED_DONATION = Q(transaction__kind=TransactionKind.DONATION, transaction__reversed_by__isnull=True)


@dataclass(frozen=True)
class CampaignTotals:
    collected: Money
    donations: int
    balance: Money
    spent: Money


def account_balance(account: Account) -> Money:
    """Sum of the account's postings (debit positive)."""
    total = Posting.objects.filter(account=account).aggregate(s=Sum("amount_minor"))["s"] or 0
    return Money.from_minor(int(total), account.currency)


def campaign_totals(campaign: Campaign) -> CampaignTotals:
    """Collected, number of donations, balance and spent for one campaign, from its fund postings."""
    return campaigns_totals([campaign])[campaign.pk]


def campaigns_totals(campaigns: Iterable[Campaign]) -> dict[int, CampaignTotals]:
    """Totals for many campaigns in one query over their fund postings, keyed by campaign id.

    Every donation's transaction credits its campaign's fund with one posting (however it
    was booked, FX included; verify_ledger checks that a fund posting belongs to its
    transaction's campaign), so donations are counted on the rows that are summed: one
    pass over each campaign's postings, which is what a list of campaigns costs
    (bench/scale.py), where counting them apart read the same rows twice.
    """
    campaigns = list(campaigns)
    ids = [c.pk for c in campaigns]
    fund = Posting.objects.filter(account__purpose=AccountPurpose.CAMPAIGN_FUND, account__campaign_id__in=ids)
    rows = fund.values("account__campaign_id").annotate(
        balance=Sum("amount_minor"),
        inflow=Sum("amount_minor", filter=INFLOW),
        donations=Count("transaction_id", distinct=True, filter=COUNTED_DONATION),
    )
    by_campaign: dict[int, dict[str, Any]] = {r["account__campaign_id"]: dict(r) for r in rows}
    counts = {campaign_id: row["donations"] for campaign_id, row in by_campaign.items()}
    result = {}
    for campaign in campaigns:
        row: dict[str, Any] = by_campaign.get(campaign.pk, {})
        balance = -int(row.get("balance") or 0)
        collected = -int(row.get("inflow") or 0)
        result[campaign.pk] = CampaignTotals(
            collected=Money.from_minor(collected, campaign.currency),
            donations=int(counts.get(campaign.pk, 0)),
            balance=Money.from_minor(balance, campaign.currency),
            spent=Money.from_minor(collected - balance, campaign.currency),
        )
    return result


def collected_by_currency() -> list[Money]:
    """Everything collected for all campaigns, one Money per currency."""
    rows = (
        Posting.objects.filter(INFLOW, account__purpose=AccountPurpose.CAMPAIGN_FUND)
        .values("currency")
        .annotate(total=Sum("amount_minor"))
        .order_by("currency")
    )
    sums: dict[str, int] = defaultdict(int)
    for r in rows:
        sums[r["currency"]] += -int(r["total"] or 0)
    return [Money.from_minor(total, cur) for cur, total in sorted(sums.items()) if total]


def donation_count() -> int:
    """Donations in the ledger that have not been reversed."""
    return Transaction.objects.filter(kind=TransactionKind.DONATION, reversed_by__isnull=True).count()
