"""Public, read-only campaign endpoints: no authentication, no cookies, rate-limited per client."""

from __future__ import annotations

import datetime as dt
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
    MoneyOut,
)
from solidarity.api.selectors import campaign_page
from solidarity.campaigns.funds import campaign_totals
from solidarity.campaigns.models import Campaign, NeedCategory
from solidarity.campaigns.selectors import campaign_cards, public_campaign
from solidarity.donations.supporters import SUPPORTERS_SHOWN, SupportersList, campaign_supporters

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


class SupporterOut(Schema):
    name: str = Field(description="The public name the donor chose; empty when they left only a message.")
    message: str = Field(description="The donor's public message (plain text; escape it when showing it).")
    day: dt.date = Field(description="The day the money arrived.")
    amount: MoneyOut | None = Field(description="Only when the donor chose to show it.")


class SupportersOut(Schema):
    items: list[SupporterOut] = Field(description=f"The newest named gifts and messages, at most {SUPPORTERS_SHOWN}.")
    named: int = Field(description="All donations with a public name or message.")
    anonymous: int = Field(description="Paid donations without one (or whose entry staff hid).")

    @staticmethod
    def of(supporters: SupportersList) -> SupportersOut:
        return SupportersOut(
            items=[
                SupporterOut(
                    name=e.name,
                    message=e.message,
                    day=e.day,
                    amount=MoneyOut.of(e.amount) if e.amount is not None else None,
                )
                for e in supporters.entries
            ],
            named=supporters.named,
            anonymous=supporters.anonymous,
        )


@router.get(
    "/{slug}/supporters", response=with_errors({200: SupportersOut}, 404, 422, 429), operation_id="get_supporters"
)
def get_supporters(request: HttpRequest, slug: str = Path(..., max_length=80, pattern=SLUG_PATTERN)) -> SupportersOut:
    """The campaign's supporters list, newest first: the public names and messages donors
    chose to show, the day, the amount only where the donor asked; everyone else counted
    as anonymous."""
    try:
        campaign = public_campaign(slug)
    except Campaign.DoesNotExist as exc:
        raise Http404("No such campaign.") from exc
    return SupportersOut.of(campaign_supporters(campaign))
