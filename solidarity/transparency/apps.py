from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    verbose_name = _("Transparency")
    name = "solidarity.transparency"
    label = "transparency"
