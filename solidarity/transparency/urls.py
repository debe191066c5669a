from django.urls import path

from solidarity.transparency import log_views, views

app_name = "transparency"
urlpatterns = [
    path("transparency/", views.site_transparency, name="site"),
    path("transparency/ledger.csv", views.ledger_csv, name="ledger_csv"),
    path("transparency/log/", log_views.log_page, name="log"),
    path("campaigns/<slug:slug>/transparency/", views.campaign_transparency, name="campaign"),
]
