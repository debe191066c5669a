"""A campaign's money in the ledger: its accounts and the totals derived from them.

The ledger knows accounts by an opaque owner; this module is where a campaign becomes
one ("campaign:42"). Every figure here is a sum of ledger postings, never of donation rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from solidarity.campaigns.models import Campaign
from solidarity.core.errors import InsufficientFunds
from solidarity.core.money import Money
from solidarity.ledger.models import Account, AccountPurpose
from solidarity.ledger.selectors import account_balance, summaries_by_owner
from solidarity.ledger.services import get_account


@dataclass(frozen=True)
class CampaignTotals:
    collected: Money
    donations: int
    balance: Money
    spent: Money  # paid out (and returned) from what was collected, not what the surplus rule moved
    # Surplus moved by the surplus rule: in from the family's earlier campaign (positive) or out (negative).
    moved: Money


def campaign_owner(campaign: Campaign | int) -> str:
    """The ledger owner of a campaign's accounts and transactions."""
    pk = campaign if isinstance(campaign, int) else campaign.pk
    return f"campaign:{pk}"


def campaign_owner_expression(campaign_id_field: str) -> Concat:
    """`campaign_owner` in SQL, for the campaign whose id is in `campaign_id_field`."""
    return Concat(Value("campaign:"), Cast(campaign_id_field, CharField()), output_field=CharField())


def campaign_fund(campaign: Campaign) -> Account:
    """The liability account holding a campaign's money, in the campaign's currency."""
    return get_account(purpose=AccountPurpose.CAMPAIGN_FUND, currency=campaign.currency, owner=campaign_owner(campaign))


def campaign_disputed(campaign: Campaign) -> Account:
    """Where a campaign's money waits while a card payment is disputed."""
    return get_account(purpose=AccountPurpose.DISPUTED, currency=campaign.currency, owner=campaign_owner(campaign))


def foundation_reserve(currency: str) -> Account:
    """The foundation's own money that covers outflows a fund could not (a lost dispute)."""
    return get_account(purpose=AccountPurpose.RESERVE, currency=currency)


def fund_balance(campaign: Campaign) -> Money:
    """What the campaign's fund holds now (its credit balance), in the campaign's currency."""
    return -account_balance(campaign_fund(campaign))


def lock_campaign(campaign: Campaign) -> None:
    """Hold the campaign's row until commit: one outflow decision at a time per campaign.

    Every outflow a person starts (payout, refund, reversal) takes this lock before it
    checks the balance, so two of them cannot both spend the same money.
    """
    Campaign.objects.select_for_update().only("pk").get(pk=campaign.pk)


def require_fund_covers(campaign: Campaign, outflow: Money, *, what: str) -> Money:
    """Refuse (InsufficientFunds) an outflow that would take the fund below zero; return the balance after.

    `what` names the outflow for the message ("This refund", "This payout").
    """
    balance = fund_balance(campaign)
    if outflow.currency != balance.currency:
        raise InsufficientFunds(
            _("%(what)s is in %(currency)s; the fund is kept in %(fund_currency)s.")
            % {"what": what, "currency": outflow.currency, "fund_currency": balance.currency}
        )
    if outflow > balance:
        raise InsufficientFunds(
            _(
                "%(what)s of %(amount)s would take the fund of “%(campaign)s” below zero: it holds %(balance)s. "
                "No fund may go below zero."
            )
            % {"what": what, "amount": outflow, "campaign": campaign.title, "balance": balance}
        )
    return balance - outflow


def campaign_totals(campaign: Campaign) -> CampaignTotals:
    """Collected, number of donations, balance and spent for one campaign, from its fund postings."""
    return campaigns_totals([campaign])[campaign.pk]


def campaigns_totals(campaigns: Iterable[Campaign]) -> dict[int, CampaignTotals]:
    """Totals for many campaigns in one query over their fund postings, keyed by campaign id."""
    campaigns = list(campaigns)
    summaries = summaries_by_owner(owners=[campaign_owner(c) for c in campaigns], purpose=AccountPurpose.CAMPAIGN_FUND)
    result = {}
    for campaign in campaigns:
        summary = summaries.get((campaign_owner(campaign), campaign.currency))
        balance = summary.balance if summary else 0
        collected = summary.inflow if summary else 0
        moved = summary.moved if summary else 0
        result[campaign.pk] = CampaignTotals(
            collected=Money.from_minor(collected, campaign.currency),
            donations=summary.counted if summary else 0,
            balance=Money.from_minor(balance, campaign.currency),
            spent=Money.from_minor(collected + moved - balance, campaign.currency),
            moved=Money.from_minor(moved, campaign.currency),
        )
    return result
