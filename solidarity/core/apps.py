from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    verbose_name = _("Core")
    name = "solidarity.core"
    label = "core"

    def ready(self) -> None:
        from solidarity.core import checks  # noqa: F401  (registers the system checks)
