"""Public reports, every figure computed from ledger postings (never from donation rows).

Per campaign: collected by channel and currency, fees, spent per need category, balance and
the dated payouts. Site-wide: money in and out per month and per category, people helped,
campaigns open and finished.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from solidarity.campaigns.funds import CampaignTotals, campaign_owner, campaign_totals
from solidarity.campaigns.models import FINISHED_STATUSES, Campaign, CampaignStatus
from solidarity.core.money import Money
from solidarity.disbursements.models import Disbursement, SurplusTransfer
from solidarity.disbursements.selectors import public_disbursements, public_surplus_moves, spent_by_category
from solidarity.ledger.models import AccountPurpose, Posting, TransactionKind
from solidarity.ledger.selectors import INFLOW

RAILS = [AccountPurpose.CARD_PROCESSOR, AccountPurpose.BANK, AccountPurpose.CASH, AccountPurpose.OTHER_PLATFORM]
DONATION_FAMILY = Q(transaction__kind=TransactionKind.DONATION) | Q(
    transaction__kind=TransactionKind.REVERSAL, transaction__reverses__kind=TransactionKind.DONATION
)


@dataclass(frozen=True)
class ChannelTotal:
    channel: str
    label: str
    money: Money  # in the currency the donors paid


@dataclass
class CampaignReport:
    campaign: Campaign
    totals: CampaignTotals
    by_channel: list[ChannelTotal]
    fees: list[Money]
    returned: Money  # refunds and chargebacks, in the campaign currency
    held: Money  # disputed, not yet decided
    # What the foundation's reserve paid where the fund could not (a dispute or chargeback
    # beyond what the fund still held); the fund itself never goes below zero.
    covered_by_reserve: Money
    spent_by_category: list[tuple[str, str, Money]]
    disbursements: list[Disbursement]
    # Surplus moved by the campaign's rule: out (to the family's next campaign or the general fund) or in.
    surplus_moves: list[SurplusTransfer] = field(default_factory=list)


def campaign_report(campaign: Campaign) -> CampaignReport:
    """The transparency page of one campaign."""
    labels = dict(AccountPurpose.choices)
    owner = campaign_owner(campaign)
    rows = (
        Posting.objects.filter(
            transaction__kind=TransactionKind.DONATION,
            transaction__owner=owner,
            account__purpose__in=RAILS,
            amount_minor__gt=0,
        )
        .values("account__purpose", "currency")
        .annotate(total=Sum("amount_minor"))
        .order_by("account__purpose", "currency")
    )
    reversed_rows = (
        Posting.objects.filter(
            DONATION_FAMILY,
            transaction__owner=owner,
            account__purpose__in=RAILS,
            amount_minor__lt=0,
            transaction__kind=TransactionKind.REVERSAL,
        )
        .values("account__purpose", "currency")
        .annotate(total=Sum("amount_minor"))
    )
    net: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        net[(r["account__purpose"], r["currency"])] += int(r["total"])
    for r in reversed_rows:
        net[(r["account__purpose"], r["currency"])] += int(r["total"])
    by_channel = [ChannelTotal(p, str(labels[p]), Money.from_minor(v, c)) for (p, c), v in sorted(net.items()) if v]
    fees = (
        Posting.objects.filter(transaction__owner=owner, account__purpose=AccountPurpose.FEES)
        .values("currency")
        .annotate(total=Sum("amount_minor"))
        .order_by("currency")
    )
    fund = Posting.objects.filter(transaction__owner=owner, account__purpose=AccountPurpose.CAMPAIGN_FUND)
    returned = (
        fund.filter(transaction__kind__in=[TransactionKind.REFUND, TransactionKind.CHARGEBACK]).aggregate(
            s=Sum("amount_minor")
        )["s"]
        or 0
    )
    held = (
        Posting.objects.filter(transaction__owner=owner, account__purpose=AccountPurpose.DISPUTED).aggregate(
            s=Sum("amount_minor")
        )["s"]
        or 0
    )
    covered = (
        Posting.objects.filter(transaction__owner=owner, account__purpose=AccountPurpose.RESERVE).aggregate(
            s=Sum("amount_minor")
        )["s"]
        or 0
    )
    return CampaignReport(
        campaign=campaign,
        totals=campaign_totals(campaign),
        by_channel=by_channel,
        fees=[Money.from_minor(int(f["total"]), f["currency"]) for f in fees if f["total"]],
        returned=Money.from_minor(int(returned), campaign.currency),
        held=Money.from_minor(-int(held), campaign.currency),
        covered_by_reserve=Money.from_minor(int(covered), campaign.currency),
        spent_by_category=spent_by_category(campaign),
        disbursements=public_disbursements(campaign),
        surplus_moves=public_surplus_moves(campaign),
    )


@dataclass
class MonthRow:
    month: dt.date
    collected: dict[str, int] = field(default_factory=dict)  # currency → minor
    spent: dict[str, int] = field(default_factory=dict)

    @property
    def collected_money(self) -> list[Money]:
        return [Money.from_minor(v, c) for c, v in sorted(self.collected.items()) if v]

    @property
    def spent_money(self) -> list[Money]:
        return [Money.from_minor(v, c) for c, v in sorted(self.spent.items()) if v]


@dataclass
class SiteReport:
    months: list[MonthRow]
    collected: list[Money]
    spent: list[Money]
    balance: list[Money]
    covered_by_reserve: list[Money]  # paid by the foundation's reserve where funds could not
    # Surplus of finished campaigns given to the general fund for other prisoners (what it holds).
    general_fund: list[Money]
    spent_by_category: list[tuple[str, str, Money]]
    campaigns_open: int
    campaigns_finished: int
    people_helped: int


def site_report() -> SiteReport:
    """The site-wide transparency page."""
    fund = Posting.objects.filter(account__purpose=AccountPurpose.CAMPAIGN_FUND)
    inflow = (
        fund.filter(INFLOW)
        .annotate(month=TruncMonth("transaction__occurred_on"))
        .values("month", "currency")
        .annotate(total=Sum("amount_minor"))
        .order_by("month")
    )
    outflow_kinds = Q(transaction__kind=TransactionKind.DISBURSEMENT) | Q(
        transaction__kind=TransactionKind.REVERSAL, transaction__reverses__kind=TransactionKind.DISBURSEMENT
    )
    outflow = (
        fund.filter(outflow_kinds)
        .annotate(month=TruncMonth("transaction__occurred_on"))
        .values("month", "currency")
        .annotate(total=Sum("amount_minor"))
        .order_by("month")
    )
    months: dict[dt.date, MonthRow] = {}
    for r in inflow:
        row = months.setdefault(r["month"], MonthRow(r["month"]))
        row.collected[r["currency"]] = row.collected.get(r["currency"], 0) - int(r["total"])
    for r in outflow:
        row = months.setdefault(r["month"], MonthRow(r["month"]))
        row.spent[r["currency"]] = row.spent.get(r["currency"], 0) + int(r["total"])

    def per_currency(qs: object) -> list[Money]:
        totals = qs.values("currency").annotate(total=Sum("amount_minor")).order_by("currency")  # type: ignore[attr-defined]
        return [Money.from_minor(int(t["total"]), t["currency"]) for t in totals if t["total"]]

    collected = [-m for m in per_currency(fund.filter(INFLOW))]
    spent = per_currency(fund.filter(outflow_kinds))
    balance = [-m for m in per_currency(fund)]
    categories: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for campaign in Campaign.objects.filter(disbursements__isnull=False).distinct():
        for cat, label, money in spent_by_category(campaign):
            categories[(cat, label)][money.currency] += money.minor
    by_category = sorted(
        (
            (cat, label, Money.from_minor(v, cur))
            for (cat, label), per in categories.items()
            for cur, v in per.items()
            if v
        ),
        key=lambda r: (r[1], r[2].currency),
    )
    counts = Campaign.objects.aggregate(
        open=Count("id", filter=Q(status=CampaignStatus.ACTIVE)),
        finished=Count("id", filter=Q(status__in=FINISHED_STATUSES)),
    )
    helped = (
        Campaign.objects.filter(Q(disbursements__status="posted") | Q(status__in=FINISHED_STATUSES))
        .values("beneficiary")
        .distinct()
        .count()
    )
    return SiteReport(
        months=[months[m] for m in sorted(months)],
        collected=collected,
        spent=spent,
        balance=balance,
        covered_by_reserve=per_currency(Posting.objects.filter(account__purpose=AccountPurpose.RESERVE)),
        general_fund=[-m for m in per_currency(Posting.objects.filter(account__purpose=AccountPurpose.GENERAL_FUND))],
        spent_by_category=by_category,
        campaigns_open=counts["open"],
        campaigns_finished=counts["finished"],
        people_helped=helped,
    )
