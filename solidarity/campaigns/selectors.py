"""Reads for the public pages: which campaigns show, with their totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from solidarity.campaigns.funds import CampaignTotals, campaigns_totals
from solidarity.campaigns.models import FINISHED_STATUSES, PUBLIC_STATUSES, Campaign, CampaignStatus, Need, NeedCategory
from solidarity.core.money import Money


@dataclass(frozen=True)
class CampaignCard:
    campaign: Campaign
    totals: CampaignTotals
    goal: Money

    @property
    def percent(self) -> int:
        if self.goal.minor <= 0:
            return 0
        return int(self.totals.collected.minor * 100 // self.goal.minor)

    @property
    def overfunded_by(self) -> Money | None:
        over = self.totals.collected - self.goal
        return over if over.is_positive() and self.goal.is_positive() else None

    @property
    def remaining(self) -> Money | None:
        left = self.goal - self.totals.collected
        return left if left.is_positive() else None


def public_campaigns() -> QuerySet[Campaign]:
    """Campaigns a reader may see: active and finished ones, never drafts."""
    return (
        Campaign.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("beneficiary")
        .prefetch_related(Prefetch("needs", queryset=Need.objects.order_by("position", "id")))
    )


def search_campaigns(*, status: str = "", category: str = "", query: str = "") -> QuerySet[Campaign]:
    """Public campaigns filtered by state (active / closed), need category and a text query."""
    qs = public_campaigns()
    if status == "active":
        qs = qs.filter(status=CampaignStatus.ACTIVE)
    elif status == "closed":
        qs = qs.filter(status__in=FINISHED_STATUSES)
    if category in NeedCategory.values:
        # A subquery, not a join: a join repeats a campaign per matching need and would
        # need DISTINCT, which sorts every public campaign before the LIMIT (bench/scale.py).
        qs = qs.filter(pk__in=Need.objects.filter(category=category).values("campaign_id"))
    query = query.replace("\x00", "").strip()[:100]  # PostgreSQL text cannot hold NUL
    if query:
        text = Q()
        for field in ("title", "story", "beneficiary__public_name"):
            for lang in ("en", "ru", "be"):
                text |= Q(**{f"{field}_{lang}__icontains": query})
        qs = qs.filter(text)
    return qs.order_by("status", "-published_at", "-id")


def campaign_cards(campaigns: QuerySet[Campaign] | list[Campaign]) -> list[CampaignCard]:
    """Pair campaigns with their ledger totals and goal for list pages."""
    campaigns = list(campaigns)
    totals = campaigns_totals(campaigns)
    return [CampaignCard(campaign=c, totals=totals[c.pk], goal=c.goal) for c in campaigns]


def public_campaign(slug: str) -> Campaign:
    """One public campaign with beneficiary, timeline, needs and updates, or DoesNotExist."""
    return public_campaigns().prefetch_related("beneficiary__timeline", "updates").get(slug=slug)


@dataclass(frozen=True)
class StoryDates:
    written: dt.date
    updated: dt.date | None  # only when later than `written`


def story_dates(campaign: Campaign) -> StoryDates:
    """When the campaign's story was written (published; created, for a draft) and last updated.

    Last updated is the later of the last edit of its title or story and the newest update
    posted on it, shown only when after the day it was written.
    """
    written = (campaign.published_at or campaign.created_at).date()
    days = [campaign.story_updated_at.date()] if campaign.story_updated_at else []
    newest = campaign.updates.order_by("-published_on").values_list("published_on", flat=True).first()
    if newest is not None:
        days.append(newest)
    updated = max(days, default=None)
    return StoryDates(written=written, updated=updated if updated and updated > written else None)
