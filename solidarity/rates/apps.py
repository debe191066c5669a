from django.apps import AppConfig


class RatesConfig(AppConfig):
    name = "solidarity.rates"
    label = "rates"
