from django.urls import path

from solidarity.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/", views.campaign_list, name="list"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="detail"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
]
