"""Addresses of the reader pages.

The names keep the namespaces they had when the pages lived in their domain apps
(`campaigns:detail`, `transparency:campaign`, `public_log:checkpoint`, …), so templates and
links elsewhere did not change; solidarity/urls.py includes each list under its namespace.
"""

from django.urls import path

from solidarity.web import badge, campaign_pages, feeds, public_log_pages, share_images, site_pages, transparency_pages

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
    path("about/", site_pages.about, name="about"),
    path("privacy/", site_pages.privacy, name="privacy"),
    # Who runs the fund, and giving safely (issue 16.7).
    path("contact/", site_pages.contact, name="contact"),
    path("giving-safely/", site_pages.giving_safely, name="giving_safely"),
]
campaigns = (campaign_urlpatterns, "campaigns")

transparency_urlpatterns = [
    path("transparency/", transparency_pages.site_transparency, name="site"),
    path("transparency/ledger.csv", transparency_pages.ledger_csv, name="ledger_csv"),
    path("transparency/log/", public_log_pages.log_page, name="log"),
    path("campaigns/<slug:slug>/transparency/", transparency_pages.campaign_transparency, name="campaign"),
]
transparency = (transparency_urlpatterns, "transparency")

# JSON and file endpoints of the public log (outside the language prefix).
public_log_urlpatterns = [
    path("checkpoint.json", public_log_pages.checkpoint_json, name="checkpoint"),
    path("entries.json", public_log_pages.entries_json, name="entries"),
    path("inclusion/<int:index>.json", public_log_pages.inclusion_json, name="inclusion"),
    path("consistency.json", public_log_pages.consistency_json, name="consistency"),
    path("public_key.pem", public_log_pages.public_key, name="public_key"),
    path("bundle.zip", public_log_pages.bundle_zip, name="bundle"),
]
public_log = (public_log_urlpatterns, "public_log")
