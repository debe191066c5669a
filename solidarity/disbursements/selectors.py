"""What was paid out, computed from the ledger: per need, per payee category, per campaign."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone

from solidarity.campaigns.funds import campaign_owner, campaigns_totals
from solidarity.campaigns.models import Campaign, CampaignStatus, Need, NeedRecurrence
from solidarity.core.formatting import format_money
from solidarity.core.money import Money
from solidarity.disbursements.models import Disbursement, DisbursementStatus, SurplusTransfer, SurplusTransferStatus
from solidarity.ledger.models import AccountPurpose, Posting

# A campaign pays out while it collects and after: closed and reported campaigns still pay their needs.
PAYING_STATUSES = (CampaignStatus.ACTIVE, CampaignStatus.CLOSED, CampaignStatus.REPORTED)


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


def _paid_by_need(campaign_ids: list[int]) -> dict[int, int]:
    """Net minor units paid out per need of these campaigns (from the ledger, reversals included)."""
    paid = _paid_by_disbursement(campaign_ids)
    per_need: dict[int, int] = defaultdict(int)
    for disbursement_id, need_id in Disbursement.objects.filter(pk__in=paid).values_list("pk", "need_id"):
        per_need[need_id] += paid[disbursement_id]
    return per_need


# A schedule older than this many months is not walked further (a need kept for a century is a typo).
MAX_SCHEDULE_MONTHS = 1200


@dataclass(frozen=True)
class MonthlySchedule:
    """Where a monthly need stands: whole months the payouts against it cover, and what comes next.

    Months are counted from what the ledger says was paid out against the need, divided by
    its monthly amount (a payout in another currency counts at its converted amount), so a
    payout advances the schedule and its reversal moves it back.
    """

    need: Need
    months_paid: int
    paid_through: dt.date | None  # the first day of the last month paid; None before the first payout
    next_month: dt.date | None  # the first day of the next month to pay; None once all months are paid
    next_due_on: dt.date | None

    @property
    def complete(self) -> bool:
        return self.next_month is None


def monthly_schedule(need: Need, paid_minor: int) -> MonthlySchedule:
    """The schedule of a monthly need that has had `paid_minor` paid out against it."""
    months_paid = max(paid_minor, 0) // need.amount_minor
    if need.months is not None:
        months_paid = min(months_paid, need.months)
    complete = need.months is not None and months_paid >= need.months
    return MonthlySchedule(
        need=need,
        months_paid=months_paid,
        paid_through=need.month(months_paid - 1) if months_paid else None,
        next_month=None if complete else need.month(months_paid),
        next_due_on=None if complete else need.due_on(months_paid),
    )


@dataclass(frozen=True)
class NeedProgress:
    need: Need
    paid: Money
    schedule: MonthlySchedule | None = None  # monthly needs only

    @property
    def state(self) -> str:
        if self.schedule is not None:
            return "paid" if self.schedule.complete else "monthly"
        if self.paid >= self.need.money:
            return "paid"
        return "partly_paid" if self.paid.is_positive() else "open"

    @property
    def bar_paid(self) -> Money:
        """What the need's bar shows as paid: never more than its own share (a monthly need counts one month)."""
        return self.paid if self.paid <= self.need.money else self.need.money


def needs_progress(campaign: Campaign) -> list[NeedProgress]:
    """Each need with what has been paid out against it (from the ledger); a monthly need
    with its schedule ("paid through March")."""
    per_need = _paid_by_need([campaign.pk])
    rows = []
    for need in campaign.needs.all():
        need.campaign = campaign  # the schedule's default start reads it
        paid = per_need.get(need.pk, 0)
        rows.append(
            NeedProgress(
                need=need,
                paid=Money.from_minor(paid, campaign.currency),
                schedule=monthly_schedule(need, paid) if need.is_monthly else None,
            )
        )
    return rows


@dataclass(frozen=True)
class MonthlyDue:
    schedule: MonthlySchedule
    months_behind: int  # months whose due day has passed without a payout covering them

    @property
    def need(self) -> Need:
        return self.schedule.need

    @property
    def overdue(self) -> bool:
        return self.months_behind > 0


def monthly_needs_due(within_days: int, *, today: dt.date | None = None) -> list[MonthlyDue]:
    """Monthly needs of campaigns that pay out whose next payment is due within `within_days`
    days from today, or overdue; the most urgent first.

    What counts as paid comes from the ledger (`monthly_schedule`); the back office's list of
    monthly needs and its first page's count read this.
    """
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=within_days)
    needs = list(
        Need.objects.filter(recurrence=NeedRecurrence.MONTHLY, campaign__status__in=PAYING_STATUSES).select_related(
            "campaign__beneficiary"
        )
    )
    per_need = _paid_by_need(sorted({n.campaign_id for n in needs}))
    due = []
    for need in needs:
        schedule = monthly_schedule(need, per_need.get(need.pk, 0))
        if schedule.next_due_on is None or schedule.next_due_on > horizon:
            continue
        behind = 0
        index = schedule.months_paid
        while (
            behind < MAX_SCHEDULE_MONTHS and (need.months is None or index < need.months) and need.due_on(index) < today
        ):
            behind += 1
            index += 1
        due.append(MonthlyDue(schedule=schedule, months_behind=behind))
    return sorted(due, key=lambda d: (d.schedule.next_due_on or today, d.need.pk))


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


def public_surplus_moves(campaign: Campaign) -> list[SurplusTransfer]:
    """Surplus moved out of or into the campaign under a surplus rule (posted only), oldest first."""
    return list(
        SurplusTransfer.objects.filter(status=SurplusTransferStatus.POSTED)
        .filter(Q(campaign=campaign) | Q(to_campaign=campaign))
        .select_related("campaign", "to_campaign")
        .order_by("decided_at", "id")
    )
