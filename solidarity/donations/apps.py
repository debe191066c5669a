from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    verbose_name = _("Donations")
    name = "solidarity.donations"
    label = "donations"

    def ready(self) -> None:
        from solidarity.donations.ledger_checks import check_donations
        from solidarity.ledger.verification import register_check

        register_check(check_donations)
