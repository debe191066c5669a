from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "solidarity.transparency"
    label = "transparency"
