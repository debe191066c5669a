from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The reader pages: HTTP above the domain apps. No models."""

    verbose_name = _("Web")

    name = "solidarity.web"
    label = "web"
