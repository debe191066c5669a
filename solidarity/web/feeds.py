"""RSS and Atom feeds: new campaigns, and each campaign's updates (letters, news) and
named gifts (the supporters list: a public name or message, never who else gave).

A feed reader is how many people follow a prisoner's case without visiting the site
(and without an account, a cookie or an e-mail address). Feeds are in the language of
their URL (`/ru/feeds/campaigns.rss`), like the pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from solidarity.campaigns import selectors
from solidarity.campaigns.models import Campaign, Update
from solidarity.campaigns.selectors import CampaignCard
from solidarity.core.formatting import format_money
from solidarity.donations.supporters import Supporter, campaign_supporters

FEED_LENGTH = 50
CACHE_SECONDS = 300


def _summary(text: str, words: int = 60) -> str:
    first = next((p.strip() for p in text.splitlines() if p.strip()), "")
    return Truncator(first).words(words, truncate="…")


class CachedFeed(Feed):
    """A feed is the same for every reader: let shared caches keep it for a while."""

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        return response


class CampaignsFeed(CachedFeed):
    """Newly published campaigns, newest first."""

    def title(self) -> str:
        return _("%(site)s: campaigns") % {"site": settings.SOLIDARITY_SITE_NAME}

    def link(self) -> str:
        return reverse("campaigns:list")

    def description(self) -> str:
        return _("Political prisoners and their families who need help, with what they need and what is collected.")

    def feed_url(self) -> str:
        return reverse("campaigns:feed_rss")

    def items(self) -> list[CampaignCard]:
        campaigns = selectors.public_campaigns().order_by("-published_at", "-id")[:FEED_LENGTH]
        return selectors.campaign_cards(campaigns)

    def item_title(self, item: CampaignCard) -> str:
        return item.campaign.title

    def item_description(self, item: CampaignCard) -> str:
        collected = format_money(item.totals.collected)
        if item.campaign.is_finished:
            figures = _("The collection is over.") + " " + _("Collected: %(collected)s") % {"collected": collected}
        else:
            figures = _("%(collected)s of %(goal)s collected") % {
                "collected": collected,
                "goal": format_money(item.goal),
            }
        return f"{_summary(item.campaign.story)}\n\n{figures}"

    def item_link(self, item: CampaignCard) -> str:
        return reverse("campaigns:detail", args=[item.campaign.slug])

    def item_pubdate(self, item: CampaignCard) -> dt.datetime | None:
        return item.campaign.published_at

    def item_updateddate(self, item: CampaignCard) -> dt.datetime | None:
        return item.campaign.status_changed_at or item.campaign.published_at


class CampaignsAtomFeed(CampaignsFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()

    def feed_url(self) -> str:
        return reverse("campaigns:feed_atom")


@dataclass(frozen=True)
class Gift:
    """A supporters-list entry in the feed of its campaign."""

    slug: str
    entry: Supporter


FeedItem = Update | Gift


class CampaignUpdatesFeed(CachedFeed):
    """One campaign's updates (news, letters from prison, reports on spending) and its
    named gifts, newest first."""

    def get_object(self, request: HttpRequest, slug: str) -> Campaign:
        try:
            campaign = selectors.public_campaign(slug)
        except Campaign.DoesNotExist as exc:
            raise Http404("No such campaign") from exc
        return campaign

    def title(self, obj: Campaign) -> str:
        return obj.title

    def link(self, obj: Campaign) -> str:
        return reverse("campaigns:detail", args=[obj.slug])

    def description(self, obj: Campaign) -> str:
        return _("Updates on this campaign: news, letters and reports on how the money was spent.")

    def feed_url(self, obj: Campaign) -> str:
        return reverse("campaigns:updates_rss", args=[obj.slug])

    def items(self, obj: Campaign) -> list[FeedItem]:
        updates: list[FeedItem] = list(obj.updates.order_by("-published_on", "-id")[:FEED_LENGTH])
        gifts: list[FeedItem] = [Gift(obj.slug, e) for e in campaign_supporters(obj, limit=FEED_LENGTH).entries]
        return sorted(updates + gifts, key=self._day, reverse=True)[:FEED_LENGTH]

    @staticmethod
    def _day(item: FeedItem) -> dt.date:
        return item.entry.day if isinstance(item, Gift) else item.published_on

    def item_title(self, item: FeedItem) -> str:
        if isinstance(item, Gift):
            name = item.entry.name or _("Anonymous")
            if item.entry.amount is not None:
                return _("%(name)s gave %(amount)s") % {"name": name, "amount": format_money(item.entry.amount)}
            return _("A gift from %(name)s") % {"name": name}
        return item.title

    def item_description(self, item: FeedItem) -> str:
        if isinstance(item, Gift):
            return item.entry.message
        return item.body

    def item_link(self, item: FeedItem) -> str:
        if isinstance(item, Gift):
            return reverse("campaigns:detail", args=[item.slug]) + f"#supporter-{item.entry.key}"
        return reverse("campaigns:detail", args=[item.campaign.slug]) + f"#update-{item.pk}"

    def item_guid(self, item: FeedItem) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: FeedItem) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self._day(item), dt.time(12, 0)), dt.UTC)

    def item_categories(self, item: FeedItem) -> list[str]:
        if isinstance(item, Gift):
            return [_("Supporters")]
        return [str(item.get_kind_display())]


class CampaignUpdatesAtomFeed(CampaignUpdatesFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Campaign) -> str:
        return self.description(obj)

    def feed_url(self, obj: Campaign) -> str:
        return reverse("campaigns:updates_atom", args=[obj.slug])
