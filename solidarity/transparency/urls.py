from django.urls import path

from solidarity.transparency import views

app_name = "transparency"
urlpatterns = [
    path("transparency/", views.site_transparency, name="site"),
    path("transparency/ledger.csv", views.ledger_csv, name="ledger_csv"),
    path("campaigns/<slug:slug>/transparency/", views.campaign_transparency, name="campaign"),
]
