from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    verbose_name = _("Payments")
    name = "solidarity.payments"
    label = "payments"
