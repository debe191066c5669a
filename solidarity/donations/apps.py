from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "solidarity.donations"
    label = "donations"

    def ready(self) -> None:
        from solidarity.donations.ledger_checks import check_donations
        from solidarity.ledger.verification import register_check

        register_check(check_donations)
