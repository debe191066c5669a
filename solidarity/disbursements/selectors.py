"""What was paid out, computed from the ledger: per need, per payee category, per campaign."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from solidarity.campaigns.funds import campaign_owner, campaigns_totals
from solidarity.campaigns.models import Campaign, CampaignStatus, Need
from solidarity.core.formatting import format_money
from solidarity.core.money import Money
from solidarity.disbursements.models import Disbursement, DisbursementStatus
from solidarity.ledger.models import AccountPurpose, Posting


def _paid_by_disbursement(campaign_ids: list[int]) -> dict[int, int]:
    """Net minor units taken from the fund per disbursement (reversals included)."""
    rows = (
        Posting.objects.filter(
            account__purpose=AccountPurpose.CAMPAIGN_FUND,
            transaction__owner__in=[campaign_owner(pk) for pk in campaign_ids],
            transaction__ref__startswith="disbursement:",
        )
        .values("transaction__ref")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    return {int(r["transaction__ref"].split(":", 1)[1]): int(r["total"] or 0) for r in rows}


@dataclass(frozen=True)
class NeedProgress:
    need: Need
    paid: Money

    @property
    def state(self) -> str:
        if self.paid >= self.need.money:
            return "paid"
        return "partly_paid" if self.paid.is_positive() else "open"


def needs_progress(campaign: Campaign) -> list[NeedProgress]:
    """Each need with what has been paid out against it (from the ledger)."""
    paid = _paid_by_disbursement([campaign.pk])
    per_need: dict[int, int] = defaultdict(int)
    for disbursement_id, need_id in Disbursement.objects.filter(pk__in=paid).values_list("pk", "need_id"):
        per_need[need_id] += paid[disbursement_id]
    return [
        NeedProgress(need=n, paid=Money.from_minor(per_need.get(n.pk, 0), campaign.currency))
        for n in campaign.needs.all()
    ]


def spent_by_category(campaign: Campaign) -> list[tuple[str, str, Money]]:
    """(need category, its label, money paid out) for the campaign, largest first."""
    paid = _paid_by_disbursement([campaign.pk])
    totals: dict[str, int] = defaultdict(int)
    labels: dict[str, str] = {}
    for d in Disbursement.objects.filter(pk__in=paid).select_related("need"):
        totals[d.need.category] += paid[d.pk]
        labels[d.need.category] = d.need.get_category_display()
    return sorted(
        ((cat, labels[cat], Money.from_minor(v, campaign.currency)) for cat, v in totals.items() if v),
        key=lambda row: -row[2].minor,
    )


def public_disbursements(campaign: Campaign) -> list[Disbursement]:
    """Posted and reversed payouts, newest first, for the public list (no proofs, no names)."""
    return list(
        Disbursement.objects.filter(
            campaign=campaign, status__in=[DisbursementStatus.POSTED, DisbursementStatus.REVERSED]
        )
        .select_related("need")
        .order_by("-paid_on", "-id")
    )


# A campaign pays out while it collects and after: closed and reported campaigns still pay their needs.
PAYING_STATUSES = (CampaignStatus.ACTIVE, CampaignStatus.CLOSED, CampaignStatus.REPORTED)


@dataclass(frozen=True)
class PayableCampaign:
    campaign: Campaign
    balance: Money


def payable_campaigns() -> list[PayableCampaign]:
    """Campaigns a payout can start from, with their beneficiary and their fund's balance (from the ledger)."""
    campaigns = list(
        Campaign.objects.filter(status__in=PAYING_STATUSES).select_related("beneficiary").order_by("title", "id")
    )
    totals = campaigns_totals(campaigns)
    return [PayableCampaign(campaign=c, balance=totals[c.pk].balance) for c in campaigns]


def need_choices(campaign: Campaign) -> list[tuple[int, str]]:
    """The campaign's needs as (id, label) for the payout form, never two lines alike.

    A label names the need, its campaign and its amount; needs that would still read the
    same (two "Lawyer for the trial", 500 each) are told apart by their place in the list.
    """
    needs = list(campaign.needs.all())
    labels = [f"{n.description} — {campaign.title} — {format_money(n.money)}" for n in needs]
    seen: dict[str, int] = defaultdict(int)
    for label in labels:
        seen[label] += 1
    return [
        (n.pk, f"{label} (#{index})" if seen[label] > 1 else label)
        for index, (n, label) in enumerate(zip(needs, labels, strict=True), start=1)
    ]
