from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    verbose_name = _("Campaigns")
    name = "solidarity.campaigns"
    label = "campaigns"
