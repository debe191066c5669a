from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "solidarity.payments"
    label = "payments"

    def ready(self) -> None:
        from solidarity.payments import own_accounts  # noqa: F401  (registers the own-account system check)
