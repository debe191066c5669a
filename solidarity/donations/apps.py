from django.apps import AppConfig


class DonationsConfig(AppConfig):
    name = "solidarity.donations"
    label = "donations"
