from django.apps import AppConfig


class DisbursementsConfig(AppConfig):
    name = "solidarity.disbursements"
    label = "disbursements"
