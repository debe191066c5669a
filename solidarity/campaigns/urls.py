from django.urls import path

from solidarity.campaigns import badge, feeds, share_images, views

app_name = "campaigns"
urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/", views.campaign_list, name="list"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="detail"),
    path("campaigns/<slug:slug>/card.png", share_images.campaign_share_image, name="share_image"),
    path("campaigns/<slug:slug>/badge.svg", badge.campaign_badge, name="badge"),
    path("campaigns/<slug:slug>/updates.rss", feeds.CampaignUpdatesFeed(), name="updates_rss"),
    path("campaigns/<slug:slug>/updates.atom", feeds.CampaignUpdatesAtomFeed(), name="updates_atom"),
    path("feeds/campaigns.rss", feeds.CampaignsFeed(), name="feed_rss"),
    path("feeds/campaigns.atom", feeds.CampaignsAtomFeed(), name="feed_atom"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
]
