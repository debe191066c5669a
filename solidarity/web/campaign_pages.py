"""The home page, the campaign list and the campaign page. Same for every anonymous reader: no
cookies, no tokens."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from solidarity.campaigns import selectors
from solidarity.campaigns.models import Campaign, NeedCategory
from solidarity.core.caching import reader_page
from solidarity.disbursements.selectors import needs_progress
from solidarity.donations.supporters import campaign_supporters
from solidarity.transparency import site_figures


@require_safe
@reader_page
def home(request: HttpRequest) -> HttpResponse:
    active = selectors.campaign_cards(selectors.search_campaigns(status="active")[:12])
    finished = selectors.campaign_cards(selectors.search_campaigns(status="closed")[:6])
    context = {
        "active": active,
        "finished": finished,
        "collected": site_figures.collected(),
        "donations": site_figures.donations(),
        "campaign_count": site_figures.campaign_count(),
    }
    return render(request, "campaigns/home.html", context)


@require_safe
@reader_page
def campaign_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    query = request.GET.get("q", "")
    cards = selectors.campaign_cards(selectors.search_campaigns(status=status, category=category, query=query)[:100])
    context = {
        "cards": cards,
        "status": status if status in ("active", "closed") else "",
        "category": category if category in NeedCategory.values else "",
        "query": query.strip()[:100],
        "categories": NeedCategory.choices,
    }
    return render(request, "campaigns/list.html", context)


@require_safe
@reader_page
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        campaign = selectors.public_campaign(slug)
    except Campaign.DoesNotExist as exc:
        raise Http404("No such campaign") from exc
    card = selectors.campaign_cards([campaign])[0]
    context = {
        "campaign": campaign,
        "card": card,
        "beneficiary": campaign.beneficiary,
        "needs": needs_progress(campaign),
        "supporters": campaign_supporters(campaign),
        "dates": selectors.story_dates(campaign),
    }
    return render(request, "campaigns/detail.html", context)
