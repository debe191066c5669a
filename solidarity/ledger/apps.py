from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    verbose_name = _("Ledger")
    name = "solidarity.ledger"
    label = "ledger"
