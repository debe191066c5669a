from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "solidarity.campaigns"
    label = "campaigns"
