"""Addresses of the reader pages.

The names keep the namespaces they had when the pages lived in their domain apps
(`campaigns:detail`, …), so templates and links elsewhere did not change; solidarity/urls.py
includes each list under its namespace.
"""

from django.urls import path

from solidarity.web import badge, campaign_pages, feeds, share_images

campaign_urlpatterns = [
    path("", campaign_pages.home, name="home"),
    path("campaigns/", campaign_pages.campaign_list, name="list"),
    path("campaigns/<slug:slug>/", campaign_pages.campaign_detail, name="detail"),
    path("campaigns/<slug:slug>/card.png", share_images.campaign_share_image, name="share_image"),
    path("campaigns/<slug:slug>/badge.svg", badge.campaign_badge, name="badge"),
    path("campaigns/<slug:slug>/updates.rss", feeds.CampaignUpdatesFeed(), name="updates_rss"),
    path("campaigns/<slug:slug>/updates.atom", feeds.CampaignUpdatesAtomFeed(), name="updates_atom"),
    path("feeds/campaigns.rss", feeds.CampaignsFeed(), name="feed_rss"),
    path("feeds/campaigns.atom", feeds.CampaignsAtomFeed(), name="feed_atom"),
    path("about/", campaign_pages.about, name="about"),
    path("privacy/", campaign_pages.privacy, name="privacy"),
]
campaigns = (campaign_urlpatterns, "campaigns")
