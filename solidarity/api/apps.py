from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    verbose_name = _("API")
    name = "solidarity.api"
    label = "api"
