from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "solidarity.ledger"
    label = "ledger"
