from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "solidarity.payments"
    label = "payments"
