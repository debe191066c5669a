from django.apps import AppConfig


class FoundationConfig(AppConfig):
    name = "solidarity.foundation"
    label = "foundation"
    verbose_name = "Foundation"
