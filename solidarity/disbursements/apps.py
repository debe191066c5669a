from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisbursementsConfig(AppConfig):
    verbose_name = _("Payouts")
    name = "solidarity.disbursements"
    label = "disbursements"
