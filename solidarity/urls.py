from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from solidarity.api.api import api
from solidarity.campaigns import views as campaign_views
from solidarity.campaigns.badge import campaign_badge

urlpatterns = [
    path("", campaign_views.root, name="root"),
    path("staff/", admin.site.urls),
    path("payments/", include("solidarity.payments.urls")),
    path("public-log/", include("solidarity.transparency.log_urls")),
    # The badge for other sites, at an address without a language (it is drawn in English).
    path("campaigns/<slug:slug>/badge.svg", campaign_badge, {"language": "en"}, name="campaign_badge"),
    path("api/v1/", api.urls),
]
urlpatterns += i18n_patterns(
    path("", include("solidarity.campaigns.urls")),
    path("", include("solidarity.web.donate_urls")),
    path("", include("solidarity.transparency.urls")),
    path("", include("solidarity.helprequests.urls")),
    prefix_default_language=True,
)
