"""Public, read-only campaign endpoints: no authentication, no cookies, rate-limited per client."""

from __future__ import annotations

from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from solidarity.api.errors import with_errors
from solidarity.api.rate_limits import PUBLIC_READS
from solidarity.api.schemas import (
    CURRENCY_PATTERN,
    SLUG_PATTERN,
    CampaignDetailOut,
    CampaignPageOut,
    CampaignSummaryOut,
)
from solidarity.api.selectors import campaign_page
from solidarity.campaigns.funds import campaign_totals
from solidarity.campaigns.models import Campaign, NeedCategory
from solidarity.campaigns.selectors import campaign_cards, public_campaign

router = Router(tags=["public: campaigns"], throttle=[PUBLIC_READS])


class CampaignFilters(Schema):
    status: Literal["active", "closed"] | None = Field(None, description="closed: the collection is over.")
    category: NeedCategory | None = Field(None, description="Campaigns with at least one need of this category.")
    currency: str | None = Field(None, pattern=CURRENCY_PATTERN)
    q: str | None = Field(None, max_length=100, description="Text in the title, story or beneficiary's name.")
    cursor: str | None = Field(None, max_length=200, description="From `next_cursor` of the previous page.")
    limit: int = Field(20, ge=1, le=100)


@router.get("", response=with_errors({200: CampaignPageOut}, 400, 422, 429), operation_id="list_campaigns")
def list_campaigns(request: HttpRequest, filters: Query[CampaignFilters]) -> CampaignPageOut:
    """Public campaigns (active and finished), newest first, with goal and collected amount."""
    page = campaign_page(
        status=filters.status or "",
        category=filters.category or "",
        currency=filters.currency or "",
        query=filters.q or "",
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return CampaignPageOut(
        items=[CampaignSummaryOut.of(card) for card in campaign_cards(page.items)], next_cursor=page.next_cursor
    )


@router.get("/{slug}", response=with_errors({200: CampaignDetailOut}, 404, 422, 429), operation_id="get_campaign")
def get_campaign(request: HttpRequest, slug: str = Path(..., max_length=80, pattern=SLUG_PATTERN)) -> CampaignDetailOut:
    """One public campaign: needs, totals from the ledger (collected, donations, balance,
    spent), the beneficiary's public profile and timeline, and updates."""
    try:
        campaign = public_campaign(slug)
    except Campaign.DoesNotExist as exc:
        raise Http404("No such campaign.") from exc
    return CampaignDetailOut.of(campaign, campaign_totals(campaign))
