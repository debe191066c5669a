from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from solidarity.campaigns import views as campaign_views

urlpatterns = [
    path("", campaign_views.root, name="root"),
    path("staff/", admin.site.urls),
    path("payments/", include("solidarity.payments.urls")),
]
urlpatterns += i18n_patterns(
    path("", include("solidarity.campaigns.urls")),
    path("", include("solidarity.donations.urls")),
    path("", include("solidarity.transparency.urls")),
    path("", include("solidarity.helprequests.urls")),
    prefix_default_language=True,
)
