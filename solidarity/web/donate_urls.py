"""The donor pages' URLs (names under the "donations" namespace, as before the move)."""

from django.urls import path

from solidarity.web import donate_pages as views

app_name = "donations"
urlpatterns = [
    path("campaigns/<slug:slug>/donate/", views.donate, name="donate"),
    path("donate/transfer/<str:page_token>/", views.transfer, name="transfer"),
    path("donate/thanks/", views.thanks, name="thanks"),
    path("donate/cancelled/", views.cancelled, name="cancelled"),
    path("receipts/", views.receipts, name="receipts"),
    path("monthly/<str:token>/", views.manage_pledge, name="pledge"),
]
