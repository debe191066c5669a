from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from solidarity.api.api import api
from solidarity.api.reference import api_reference
from solidarity.books.admin_books import export_books_view
from solidarity.web import urls as web_urls
from solidarity.web.badge import campaign_badge
from solidarity.web.health import healthz, readyz
from solidarity.web.metrics import metrics
from solidarity.web.site_pages import root

urlpatterns = [
    path("", root, name="root"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),  # Prometheus, behind SOLIDARITY_METRICS_TOKEN (issue 17)
    # A back-office page outside any model's admin: behind the admin site's own checks.
    path("staff/books/", admin.site.admin_view(export_books_view), name="books_export"),
    path("staff/", admin.site.urls),
    path("payments/", include("solidarity.payments.urls")),
    path("public-log/", include(web_urls.public_log)),
    # The badge for other sites, at an address without a language (it is drawn in English).
    path("campaigns/<slug:slug>/badge.svg", campaign_badge, {"language": "en"}, name="campaign_badge"),
    # The API reference without JavaScript, rendered from the OpenAPI document (docs/api.md).
    path("api/v1/reference/", api_reference, name="api_reference"),
    path("api/v1/", api.urls),
]
urlpatterns += i18n_patterns(
    path("", include(web_urls.campaigns)),
    path("", include("solidarity.web.donate_urls")),
    path("", include(web_urls.transparency)),
    path("", include("solidarity.web.help_urls")),
    prefix_default_language=True,
)
